// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The UART framing (docs/PROTOCOL.md section 1) under the {@link HostSession}: HELLO and BEGIN,
 * then a window of DATA frames with go-back-N retransmission, DONE. No ACK progress for three
 * timeouts in a row is a lost link: the session begins again.
 */
public final class UartChannel implements HostSession.Channel, AutoCloseable {
    public static final int WINDOW_FRAMES = 8;
    public static final int MAX_RECONNECTS = 20;
    private static final int MAX_TIMEOUTS = 3;

    private final Link link;
    private final int baud;
    private final FrameReader in;
    private int seq;
    /** Window: the next offset to send, the highest sent, the offset the last go-back went to. */
    private long next;
    private long sentUpTo;
    private long rewoundTo;
    private long lastAcked;
    private int timeouts;
    private long retransmitted;
    private String message = "";

    public UartChannel(Link link, int baud) {
        this.link = link;
        this.baud = baud;
        this.in = new FrameReader(link);
    }

    /** Sends {@code patch} over {@code link}: the whole transfer, reconnects included. */
    public static HostSession.Result send(Link link, int baud, byte[] patch, HostSession.Progress progress)
            throws IOException {
        try (UartChannel channel = new UartChannel(link, baud)) {
            return new HostSession(channel, progress, MAX_RECONNECTS).send(patch);
        }
    }

    /** Patch bytes sent more than once (go-back-N after a loss). */
    public long retransmittedBytes() {
        return retransmitted;
    }

    @Override
    public long begin(long patchLength, byte[] header) throws IOException {
        in.clear();
        hello();
        byte[] p = new byte[4 + header.length];
        LittleEndian.put32(p, 0, patchLength);
        System.arraycopy(header, 0, p, 4, header.length);
        for (int attempt = 0; attempt < 3; attempt++) {
            write(FrameType.BEGIN, p);
            Frame f = waitFor(FrameType.READY, 5000);
            if (f != null && f.payload().length >= 4) {
                long from = LittleEndian.u32(f.payload(), 0);
                next = from;
                lastAcked = from;
                rewoundTo = -1;
                timeouts = 0;
                return from;
            }
        }
        throw lost();
    }

    @Override
    public long send(byte[] patch, long acked) throws IOException {
        if (acked < lastAcked) {
            next = acked; // the device restarted the update
            rewoundTo = -1;
        }
        next = Math.max(next, acked);
        while (next < patch.length && next - acked < (long) WINDOW_FRAMES * Frame.MAX_DATA) {
            int n = (int) Math.min(Frame.MAX_DATA, patch.length - next);
            if (next < sentUpTo) {
                retransmitted += n;
            }
            sendData(patch, next, n);
            next += n;
            sentUpTo = Math.max(sentUpTo, next);
        }
        lastAcked = answer(acked);
        return lastAcked;
    }

    /** Reads one answer to the window; the device's next expected offset. */
    private long answer(long acked) throws IOException {
        Frame f = in.poll(ackTimeoutMs());
        if (f == null) {
            if (++timeouts >= MAX_TIMEOUTS) {
                throw lost();
            }
            next = acked; // resend the window
            return acked;
        }
        byte[] p = f.payload();
        switch (f.type()) {
            case ACK -> {
                if (p.length >= 4 && LittleEndian.u32(p, 0) > acked) {
                    timeouts = 0;
                    return LittleEndian.u32(p, 0);
                }
                return acked;
            }
            case NAK -> {
                if (p.length < 4) {
                    return acked;
                }
                long off = LittleEndian.u32(p, 0);
                if (p.length >= 5 && p[4] == UartDevice.NAK_RESTARTED && off < acked) {
                    next = off;
                    rewoundTo = -1;
                    return off;
                }
                // Every frame sent after a lost one draws a NAK for the same offset:
                // go back once per gap, not once per NAK.
                if (off != rewoundTo || next <= off) {
                    next = off;
                    rewoundTo = off;
                }
                return Math.max(acked, off);
            }
            case RESULT -> throw refused(f);
            default -> {
                return acked;
            }
        }
    }

    @Override
    public long done(long patchLength) throws IOException {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, patchLength);
        for (int attempt = 0; attempt < 3; attempt++) {
            write(FrameType.DONE, p);
            long end = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < end) {
                Frame f = in.poll(Math.max(1, end - System.currentTimeMillis()));
                if (f == null) {
                    break;
                }
                if (f.type() == FrameType.RESULT) {
                    if (f.payload().length < 2 || LittleEndian.u16(f.payload(), 0) != 0) {
                        throw refused(f);
                    }
                    message = new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
                    return patchLength;
                }
                if (f.type() == FrameType.NAK && f.payload().length >= 4 && LittleEndian.u32(f.payload(), 0) < patchLength) {
                    long from = LittleEndian.u32(f.payload(), 0); // not all applied, or restarted
                    next = from;
                    lastAcked = from;
                    rewoundTo = -1;
                    return from;
                }
            }
        }
        throw lost();
    }

    @Override
    public String deviceMessage() {
        return message;
    }

    private HostSession.LinkLostException lost() {
        return new HostSession.LinkLostException("the device on " + link.name() + " stopped answering");
    }

    private long ackTimeoutMs() {
        long windowOnLine = (long) WINDOW_FRAMES * (Frame.MAX_PAYLOAD + Frame.OVERHEAD) * 10 * 1000 / baud;
        return 500 + windowOnLine;
    }

    private void hello() throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = in.bytesRead();
            write(FrameType.HELLO, new byte[] {1});
            Frame f = waitFor(FrameType.INFO, 1000);
            if (f != null) {
                return;
            }
            if (attempt == 4 && in.bytesRead() > before) {
                throw new IOException("the device on " + link.name() + " answers, but not the fwdelta protocol ("
                        + in.bytesRead() + " bytes of other data)");
            }
        }
        throw lost();
    }

    /** Waits for a frame of {@code type}; a RESULT with an error is thrown; other frames are skipped. */
    private Frame waitFor(FrameType type, long timeoutMs) throws IOException {
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

    @Override
    public void close() {
        in.close();
    }
}
