// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

/** Thumb BL (THUMB_BL): a 32-bit call, two halfwords with a 22-bit halfword offset. */
public final class ThumbTransform implements ViewTransform {
    static final ThumbTransform INSTANCE = new ThumbTransform();

    private ThumbTransform() {}

    @Override
    public int transforms() {
        return RelocationMap.THUMB_BL;
    }

    @Override
    public void reaim(ViewChunk c) {
        for (long q = Math.max(c.windowStart, c.from - 3) + 1 & ~1L; q < c.end && q + 4 <= c.windowEnd; q += 2) {
            if (isBl(c.window, (int) (q - c.windowStart))) {
                reaimBl(c, q);
            }
        }
    }

    /** True if {@code b[at..at+4)} is a Thumb BL: halfwords 11110xxx.. and 11111xxx.. (little-endian). */
    public static boolean isBl(byte[] b, int at) {
        return (b[at + 1] & 0xF8) == 0xF0 && (b[at + 3] & 0xF8) == 0xF8;
    }

    /** The byte offset of the Thumb BL at {@code b[at]}, relative to its address + 4 (22-bit field, sign-extended, x2). */
    public static long blOffset(byte[] b, int at) {
        int field = ((b[at + 1] & 7) << 19) | ((b[at] & 0xFF) << 11) | ((b[at + 3] & 7) << 8) | (b[at + 2] & 0xFF);
        return (field << 10) >> 9;
    }

    /** A Thumb BL at old offset q, re-aimed if the map knows both it and its target. */
    private static void reaimBl(ViewChunk c, long q) {
        long target = c.map.map(q + 4 + blOffset(c.window, (int) (q - c.windowStart)));
        long at = c.map.map(q);
        if (target < 0 || at < 0) {
            return;
        }
        long offset = (target - (at + 4)) >> 1;
        long bl = (offset >> 11 & 0xFF) | (0xF0 | (offset >> 19 & 7)) << 8 | (offset & 0xFF) << 16
                | (0xF8 | (offset >> 8 & 7)) << 24;
        c.place(bl, q, 4);
    }
}
