// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Push decoder for the UART framing. It hunts for SOF, checks the header CRC and the length limit
 * before buffering a payload, and drops a frame whose CRC fails; after any error it resumes the
 * hunt at the byte after the bad SOF, so the next good frame is always found. Garbage is counted,
 * never thrown. Memory: one fixed buffer of the largest frame (and one CRC-32 state).
 */
public final class FrameDecoder {
    /** Receives each good frame as its own copy (for a host, which keeps frames). */
    @FunctionalInterface
    public interface Sink {
        void frame(Frame f) throws IOException;
    }

    /** Receives each good frame in place: its payload is {@code b[off..off+len)}, valid during the call only. */
    @FunctionalInterface
    public interface InPlaceSink {
        void frame(FrameType type, int seq, byte[] b, int off, int len) throws IOException;
    }

    /**
     * Told of each frame dropped whole (its payload CRC failed, or the line went quiet inside it)
     * at the moment it is dropped, before the frames buffered after its SOF are looked at: a device
     * answers it there, in line order with the answers to the frames around it.
     */
    @FunctionalInterface
    public interface BrokenFrameSink {
        /** @param cut the line went quiet inside the frame ({@link #idle()}); else its CRC failed */
        void broken(boolean cut) throws IOException;
    }

    private final byte[] buffer = new byte[Frame.OVERHEAD + Frame.MAX_PAYLOAD];
    private final CRC32 crc = new CRC32();
    private final InPlaceSink sink;
    private final BrokenFrameSink broken;
    private int filled;
    private long badHeaders;
    private long badFrames;
    private long skippedBytes;

    public FrameDecoder(Sink sink) {
        this((type, seq, b, off, len) -> sink.frame(new Frame(type, seq, Arrays.copyOfRange(b, off, off + len))));
    }

    /** A decoder that allocates nothing per frame (a device's): the sink reads each payload from the decoder's buffer. */
    public FrameDecoder(InPlaceSink sink) {
        this(sink, cut -> { });
    }

    /** A device's decoder: each good frame to {@code sink} in place, each broken one to {@code broken}, in line order. */
    public FrameDecoder(InPlaceSink sink, BrokenFrameSink broken) {
        this.sink = sink;
        this.broken = broken;
    }

    public void push(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            push(b[i]);
        }
    }

    private void push(byte v) throws IOException {
        if (filled == 0 && (v & 0xFF) != Frame.SOF) {
            skippedBytes++;
            return;
        }
        buffer[filled++] = v;
        if (filled == Frame.HEADER) {
            int length = LittleEndian.u16(buffer, 3);
            boolean headerOk = Crc16Ccitt.of(buffer, 0, 5) == LittleEndian.u16(buffer, 5)
                    && length <= Frame.MAX_PAYLOAD && FrameType.of(buffer[1] & 0xFF) != null;
            if (!headerOk) {
                badHeaders++;
                resync(1);
            }
            return;
        }
        if (filled > Frame.HEADER && filled == Frame.OVERHEAD + LittleEndian.u16(buffer, 3)) {
            int length = filled - Frame.OVERHEAD;
            crc.reset();
            crc.update(buffer, 0, Frame.HEADER + length);
            if (crc.getValue() != LittleEndian.u32(buffer, Frame.HEADER + length)) {
                badFrames++;
                broken.broken(false);
                resync(1);
                return;
            }
            filled = 0; // the payload stays in the buffer until the next byte is pushed
            sink.frame(FrameType.of(buffer[1] & 0xFF), buffer[2] & 0xFF, buffer, Frame.HEADER, length);
        }
    }

    /** Drops the first {@code n} buffered bytes and re-scans the rest for a frame start. */
    private void resync(int n) throws IOException {
        int end = filled;
        filled = 0;
        skippedBytes += n;
        // In place, no copy: a byte pushed again lands at an index below the one read next.
        for (int i = n; i < end; i++) {
            push(buffer[i]);
        }
    }

    public long badHeaders() {
        return badHeaders;
    }

    public long badFrames() {
        return badFrames;
    }

    public long skippedBytes() {
        return skippedBytes;
    }

    /**
     * The line went quiet: a frame still incomplete is broken (a sender writes a frame in one go),
     * so drop its SOF and look for whole frames in what was buffered after it.
     */
    public void idle() throws IOException {
        if (filled > 0) {
            badFrames++;
            broken.broken(true);
            resync(1);
        }
    }

    /** Forget a partial frame (after a reconnect). */
    public void reset() {
        filled = 0;
    }
}
