package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The host side of the UART protocol (docs/PROTOCOL.md): HELLO, BEGIN, a window of DATA frames
 * with go-back-N retransmission, DONE; on silence it reconnects and continues where the device
 * says (its resume point).
 */
public final class UartChannel {
    /** Progress after each acknowledgement. */
    @FunctionalInterface
    public interface Progress {
        void update(long acked, long total, long resumedAt);
    }

    /** What a finished send did. */
    public record Result(long patchBytes, double seconds, int reconnects, long retransmittedBytes, long firstOffset,
                         String deviceMessage) {
    }

    public static final int WINDOW_FRAMES = 8;
    private static final int MAX_TIMEOUTS = 3;
    private static final int MAX_RECONNECTS = 20;

    private final Link link;
    private final int baud;
    private final Progress progress;
    private int seq;

    public UartChannel(Link link, int baud, Progress progress) {
        this.link = link;
        this.baud = baud;
        this.progress = progress;
    }

    public Result send(byte[] patch) throws IOException {
        if (patch.length < PatchHeader.PREFIX_SIZE) {
            throw new IllegalArgumentException("not a patch: " + patch.length + " bytes");
        }
        long start = System.nanoTime();
        long retransmitted = 0;
        long firstOffset = -1;
        int reconnects = 0;
        try (FrameReader in = new FrameReader(link)) {
            while (true) {
                try {
                    hello(in);
                    long acked = begin(in, patch);
                    if (firstOffset < 0) {
                        firstOffset = acked;
                    }
                    long resumedAt = acked;
                    long next = acked;
                    long sentUpTo = acked;
                    int timeouts = 0;
                    long rewoundTo = -1;
                    while (acked < patch.length) {
                        while (next < patch.length && next - acked < (long) WINDOW_FRAMES * Frame.MAX_DATA) {
                            int n = (int) Math.min(Frame.MAX_DATA, patch.length - next);
                            if (next < sentUpTo) {
                                retransmitted += n;
                            }
                            sendData(patch, next, n);
                            next += n;
                            sentUpTo = Math.max(sentUpTo, next);
                        }
                        Frame f = in.poll(ackTimeoutMs());
                        if (f == null) {
                            if (++timeouts >= MAX_TIMEOUTS) {
                                throw new Silence();
                            }
                            next = acked; // resend the window
                            continue;
                        }
                        switch (f.type()) {
                            case ACK -> {
                                long off = LittleEndian.u32(f.payload(), 0);
                                if (off > acked) {
                                    acked = off;
                                    timeouts = 0;
                                    progress.update(acked, patch.length, resumedAt);
                                }
                                next = Math.max(next, acked);
                            }
                            case NAK -> {
                                // Every frame sent after a lost one draws a NAK for the same offset:
                                // go back once per gap, not once per NAK.
                                long off = LittleEndian.u32(f.payload(), 0);
                                acked = Math.max(acked, off);
                                if (off != rewoundTo || next <= off) {
                                    next = off;
                                    rewoundTo = off;
                                }
                            }
                            case RESULT -> throw refused(f);
                            default -> { }
                        }
                    }
                    String message = done(in, patch.length);
                    return new Result(patch.length, (System.nanoTime() - start) / 1e9, reconnects, retransmitted,
                            firstOffset, message);
                } catch (Silence s) {
                    if (++reconnects > MAX_RECONNECTS) {
                        throw new IOException("the device on " + link.name() + " stopped answering");
                    }
                    in.clear();
                }
            }
        }
    }

    /** No ACK progress for a while: the link or the device went away. */
    private static final class Silence extends Exception {
        Silence() {
            super(null, null, false, false);
        }
    }

    private long ackTimeoutMs() {
        long windowOnLine = (long) WINDOW_FRAMES * (Frame.MAX_PAYLOAD + Frame.OVERHEAD) * 10 * 1000 / baud;
        return 500 + windowOnLine;
    }

    private void hello(FrameReader in) throws IOException, Silence {
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = in.bytesRead();
            write(FrameType.HELLO, new byte[] {1});
            Frame f = waitFor(in, FrameType.INFO, 1000);
            if (f != null) {
                return;
            }
            if (attempt == 4 && in.bytesRead() > before) {
                throw new IOException("the device on " + link.name() + " answers, but not the fwdelta protocol ("
                        + in.bytesRead() + " bytes of other data)");
            }
        }
        throw new Silence();
    }

    private long begin(FrameReader in, byte[] patch) throws IOException, Silence {
        int headerSize = headerSize(patch);
        byte[] p = new byte[4 + headerSize];
        LittleEndian.put32(p, 0, patch.length);
        System.arraycopy(patch, 0, p, 4, headerSize);
        for (int attempt = 0; attempt < 3; attempt++) {
            write(FrameType.BEGIN, p);
            Frame f = waitFor(in, FrameType.READY, 5000);
            if (f != null) {
                return LittleEndian.u32(f.payload(), 0);
            }
        }
        throw new Silence();
    }

    private String done(FrameReader in, long length) throws IOException, Silence {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, length);
        for (int attempt = 0; attempt < 3; attempt++) {
            write(FrameType.DONE, p);
            Frame f = waitFor(in, FrameType.RESULT, 10_000);
            if (f != null) {
                return new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
            }
        }
        throw new Silence();
    }

    /** Waits for a frame of {@code type}; a RESULT with an error is thrown; other frames are skipped. */
    private Frame waitFor(FrameReader in, FrameType type, long timeoutMs) throws IOException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            Frame f = in.poll(Math.max(1, end - System.currentTimeMillis()));
            if (f == null) {
                return null;
            }
            if (f.type() == FrameType.RESULT && (f.payload().length < 2 || LittleEndian.u16(f.payload(), 0) != 0)) {
                throw refused(f);
            }
            if (f.type() == type) {
                return f;
            }
        }
        return null;
    }

    private static DeviceRefusedException refused(Frame f) {
        byte[] p = f.payload();
        int status = p.length >= 2 ? LittleEndian.u16(p, 0) : 0xFFFF;
        String message = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
        return new DeviceRefusedException(status, message);
    }

    private void sendData(byte[] patch, long offset, int n) throws IOException {
        byte[] p = new byte[4 + n];
        LittleEndian.put32(p, 0, offset);
        System.arraycopy(patch, (int) offset, p, 4, n);
        write(FrameType.DATA, p);
    }

    private void write(FrameType type, byte[] payload) throws IOException {
        byte[] b = new Frame(type, seq++ & 0xFF, payload).encode();
        link.write(b, 0, b.length);
    }

    /** The patch's header_size, checked against the patch's length (BEGIN carries the whole header). */
    public static int headerSize(byte[] patch) {
        try {
            int size = PatchHeader.sizeFromPrefix(patch);
            if (size > patch.length) {
                throw new IllegalArgumentException("not a patch: header_size " + size + " > " + patch.length + " bytes");
            }
            return size;
        } catch (dev.fwdelta.runtime.format.PatchException e) {
            throw new IllegalArgumentException("not a patch: " + e.getMessage(), e);
        }
    }
}
