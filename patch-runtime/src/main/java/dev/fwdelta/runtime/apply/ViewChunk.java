// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;

/**
 * One chunk of the relocated view being predicted: the old bytes around it (its window) and
 * where its view goes. Reused from chunk to chunk, so that reading the view allocates nothing.
 */
final class ViewChunk {
    RelocationMap map;
    private OldImage source;
    private final byte[] twoBytes = new byte[2];
    byte[] window;
    long windowStart;
    long windowEnd;
    long from;
    long end;
    byte[] out;
    int outOff;

    /** The view of old offsets [from, from + len) to out[outOff..], from window = old[windowStart, windowEnd). */
    ViewChunk set(RelocationMap map, OldImage source, byte[] window, long windowStart, long windowEnd, long from,
              int len, byte[] out, int outOff) {
        this.map = map;
        this.source = source;
        this.window = window;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.from = from;
        this.end = from + len;
        this.out = out;
        this.outOff = outOff;
        return this;
    }

    int word(long p) {
        return LittleEndian.i32(window, (int) (p - windowStart));
    }

    /** True if the old bytes at {@code at} begin an Xtensa function; read from flash outside the window. */
    boolean startsFunction(long at) throws IOException {
        if (at >= windowStart && at + 2 <= windowEnd) {
            int i = (int) (at - windowStart);
            return XtensaCalls.startsFunction(window[i], window[i + 1]);
        }
        source.read(at, twoBytes, 0, 2);
        return XtensaCalls.startsFunction(twoBytes[0], twoBytes[1]);
    }

    /** Writes the {@code size} little-endian bytes of {@code value} that old offset {@code at} starts, clipped to the chunk. */
    void place(long value, long at, int size) {
        long first = Math.max(at, from);
        long last = Math.min(at + size, end);
        for (long q = first; q < last; q++) {
            out[outOff + (int) (q - from)] = (byte) (value >>> (8 * (q - at)));
        }
    }
}
