// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.LittleEndian;

/**
 * Absolute pointers (POINTER32, POINTER64): aligned little-endian words holding link address +
 * old offset. Data, not an instruction set: every architecture's views may use one width.
 */
final class PointerTransform implements ViewTransform {
    static final PointerTransform POINTER32 = new PointerTransform(RelocationMap.POINTER32, 4);
    static final PointerTransform POINTER64 = new PointerTransform(RelocationMap.POINTER64, 8);

    private final int transform;
    private final int width;

    private PointerTransform(int transform, int width) {
        this.transform = transform;
        this.width = width;
    }

    @Override
    public int transforms() {
        return transform;
    }

    @Override
    public void reaim(ViewChunk c) {
        RelocationMap map = c.map;
        long align = width - 1;
        for (long p = Math.max(c.windowStart, c.from & ~align) + align & ~align; p < c.end && p + width <= c.windowEnd;
             p += width) {
            int at = (int) (p - c.windowStart);
            long moved;
            if (width == 4) {
                moved = map.map(LittleEndian.u32(c.window, at) - map.imageBase());
            } else {
                long value = LittleEndian.u64(c.window, at);
                moved = value < 0 ? -1 : map.map(value - map.imageBase());
            }
            if (moved >= 0) {
                c.place(map.imageBase() + moved, p, width);
            }
        }
    }
}
