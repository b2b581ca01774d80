// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A device that floods the line with frames while the host is not reading them (it waits on a
 * write, say) cannot grow the host's queue of frames without bound: the reader keeps the newest
 * {@link FrameReader#MAX_QUEUED_FRAMES} and counts the ones it dropped. Counted in frames.
 */
class FrameFloodTest {
    private static final int FLOOD = 20_000;

    @Test
    void aFloodOfFramesKeepsTheNewestWithinTheBound() throws Exception {
        FloodingLink link = new FloodingLink(FLOOD, FLOOD);
        try (FrameReader reader = new FrameReader(link)) {
            long expectedBytes = (long) FLOOD * link.frameBytes();
            for (int i = 0; i < 2000 && reader.bytesRead() < expectedBytes; i++) {
                Thread.sleep(10);
            }
            assertEquals(expectedBytes, reader.bytesRead(), "the reader took the whole flood");
            int queued = 0;
            long last = -1;
            for (Frame f = reader.poll(0); f != null; f = reader.poll(0)) {
                queued++;
                last = LittleEndian.u32(f.payload(), 0);
            }
            assertEquals(FrameReader.MAX_QUEUED_FRAMES, queued, "frames kept");
            assertEquals(FLOOD - 1, last, "the newest is kept: the device's latest answer");
            assertEquals(FLOOD - FrameReader.MAX_QUEUED_FRAMES, reader.framesDropped());
        }
    }

    @Test
    void framesReadAsTheyComeAreNeverDropped() throws Exception {
        FloodingLink link = new FloodingLink(3 * FrameReader.MAX_QUEUED_FRAMES, 8);
        int got = 0;
        try (FrameReader reader = new FrameReader(link)) {
            for (Frame f = reader.poll(2000); f != null; f = reader.poll(2000)) {
                assertEquals(got, LittleEndian.u32(f.payload(), 0), "in order, none missing");
                got++;
                link.allow(got + 8); // the device sends only a few frames ahead of the host's reads
            }
            assertEquals(0, reader.framesDropped());
        }
        assertEquals(3 * FrameReader.MAX_QUEUED_FRAMES, got, "every frame read");
    }

    /** Frames numbered 0.. (ACKs carrying their number), as fast as the reader takes them, up to a limit. */
    private static final class FloodingLink implements Link {
        private final int total;
        private volatile int allowed;
        private int sent;
        private byte[] pending = new byte[0];
        private int at;

        FloodingLink(int total, int allowed) {
            this.total = total;
            this.allowed = allowed;
        }

        /** From now on at most {@code n} frames in all are sent (a device pacing itself to the host). */
        void allow(int n) {
            allowed = Math.min(total, n);
        }

        int frameBytes() {
            return frame(0).length;
        }

        private static byte[] frame(int n) {
            byte[] p = new byte[4];
            LittleEndian.put32(p, 0, n);
            return new Frame(FrameType.ACK, n & 0xFF, p).encode();
        }

        @Override
        public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
            if (at == pending.length) {
                if (sent >= allowed || sent >= total) {
                    try {
                        Thread.sleep(Math.min(timeoutMs, 5));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 0;
                }
                pending = frame(sent++);
                at = 0;
            }
            int n = Math.min(len, pending.length - at);
            System.arraycopy(pending, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }

        @Override
        public String name() {
            return "flood";
        }

        @Override
        public void close() {
        }
    }
}
