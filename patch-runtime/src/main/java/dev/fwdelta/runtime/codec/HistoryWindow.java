// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.PatchException;
import java.io.IOException;

/**
 * The decoder's window: a ring of the last {@code size} decoded bytes of the current block.
 * Bytes are handed to the consumer before the ring overwrites them, so the window is the
 * only output buffer a decoder needs.
 */
final class HistoryWindow {
    private final byte[] ring;
    private int pos;
    private int flushed;
    /** Bytes decoded in this block so far (a back-reference may reach at most this far). */
    private long total;

    HistoryWindow(int size) {
        this.ring = new byte[size];
    }

    void reset() {
        pos = 0;
        flushed = 0;
        total = 0;
    }

    long total() {
        return total;
    }

    int size() {
        return ring.length;
    }

    /** Byte {@code distance + 1} positions back (distance 0 = the last byte); caller checked the range. */
    byte back(int distance) {
        int i = pos - distance - 1;
        return ring[i < 0 ? i + ring.length : i];
    }

    void put(byte b, RawConsumer out) throws IOException {
        ring[pos++] = b;
        total++;
        if (pos == ring.length) {
            flush(out);
            pos = 0;
            flushed = 0;
        }
    }

    void put(byte[] b, int off, int len, RawConsumer out) throws IOException {
        while (len > 0) {
            int n = Math.min(len, ring.length - pos);
            System.arraycopy(b, off, ring, pos, n);
            pos += n;
            total += n;
            off += n;
            len -= n;
            if (pos == ring.length) {
                flush(out);
                pos = 0;
                flushed = 0;
            }
        }
    }

    /** Copies {@code length} bytes starting {@code distance + 1} back; overlapping copies repeat. */
    void copy(int distance, long length, RawConsumer out) throws IOException {
        int from = pos - distance - 1;
        if (from < 0) {
            from += ring.length;
        }
        for (long i = 0; i < length; i++) {
            ring[pos++] = ring[from++];
            total++;
            if (from == ring.length) {
                from = 0;
            }
            if (pos == ring.length) {
                flush(out);
                pos = 0;
                flushed = 0;
            }
        }
    }

    /**
     * Hands {@code len} bytes to the consumer, starting {@code back} bytes before the end of what
     * was decoded ({@code back <= size()}): codec split takes a packet's bytes out this way.
     */
    void emitRecent(int back, int len, RawConsumer out) throws IOException {
        int from = pos - back;
        if (from < 0) {
            from += ring.length;
        }
        int first = Math.min(len, ring.length - from);
        out.accept(ring, from, first);
        if (first < len) {
            out.accept(ring, 0, len - first);
        }
    }

    /**
     * Hands every byte decoded since the last flush to the consumer. They count as flushed before
     * it takes them: after the consumer refused them, a second flush hands nothing again.
     */
    void flush(RawConsumer out) throws IOException {
        if (pos > flushed) {
            int from = flushed;
            flushed = pos;
            out.accept(ring, from, pos - from);
        }
    }

    /**
     * A codec error {@code e}, to throw once the bytes decoded before it reached the consumer: an
     * error the consumer finds in them is thrown instead (FORMAT.md 5), so the code does not depend
     * on where the patch's chunks ended. An error of the consumer's own passes unchanged.
     */
    PatchException flushBefore(PatchException e, RawConsumer out) throws IOException {
        flush(out);
        return e;
    }
}
