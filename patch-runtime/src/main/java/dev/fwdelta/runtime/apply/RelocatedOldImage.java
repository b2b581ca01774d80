package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;

/**
 * The old image as a relocation map predicts the new one (docs/FORMAT.md 2.3): references into
 * moved code or data are re-aimed, every other byte is the old byte. The builder diffs the new
 * image against this view, and the applier reads the old image through it, so diff runs stay
 * long where only addresses changed. Each byte depends only on the old bytes at most 3 on either
 * side, so any chunk can be computed on its own. RAM: one window of 264 bytes.
 */
public final class RelocatedOldImage implements OldImage {
    private static final int MARGIN = 4;

    private final OldImage old;
    private final RelocationMap map;
    private final byte[] window = new byte[Limits.OLD_READ_BUFFER + 2 * MARGIN];

    public RelocatedOldImage(OldImage old, RelocationMap map) {
        this.old = old;
        this.map = map;
    }

    @Override
    public long size() {
        return old.size();
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, Limits.OLD_READ_BUFFER);
            long from = Math.max(0, offset - MARGIN);
            long to = Math.min(old.size(), offset + n + MARGIN);
            old.read(from, window, 0, (int) (to - from));
            predict(map, window, from, to, offset, n, dst, off);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** The whole view at once (for the builder). */
    public static byte[] of(byte[] oldImage, RelocationMap map) {
        byte[] view = new byte[oldImage.length];
        predict(map, oldImage, 0, oldImage.length, 0, oldImage.length, view, 0);
        return view;
    }

    /**
     * Writes the view of old offsets {@code [from, from + len)} to {@code out}. {@code window}
     * holds the old bytes {@code [windowStart, windowEnd)}, which cover 4 bytes on either side of
     * the range or reach the image's edge. Pointer words win over BL calls where both apply.
     */
    static void predict(RelocationMap map, byte[] window, long windowStart, long windowEnd, long from, int len,
                        byte[] out, int outOff) {
        System.arraycopy(window, (int) (from - windowStart), out, outOff, len);
        long end = from + len;
        if (map.has(RelocationMap.THUMB_BL)) {
            for (long q = Math.max(windowStart, from - 3) + 1 & ~1L; q < end && q + 4 <= windowEnd; q += 2) {
                int w = (int) (q - windowStart);
                if (isThumbBl(window, w)) {
                    reaimBl(map, window, w, q, from, end, out, outOff);
                }
            }
        }
        if (map.has(RelocationMap.POINTER32)) {
            for (long p = Math.max(windowStart, from & ~3L) + 3 & ~3L; p < end && p + 4 <= windowEnd; p += 4) {
                long target = LittleEndian.u32(window, (int) (p - windowStart)) - map.imageBase();
                long moved = map.map(target);
                if (moved >= 0) {
                    place(map.imageBase() + moved, p, from, end, out, outOff);
                }
            }
        }
    }

    /** True if {@code b[at..at+4)} is a Thumb BL: halfwords 11110xxx.. and 11111xxx.. (little-endian). */
    public static boolean isThumbBl(byte[] b, int at) {
        return (b[at + 1] & 0xF8) == 0xF0 && (b[at + 3] & 0xF8) == 0xF8;
    }

    /** The byte offset of the Thumb BL at {@code b[at]}, relative to its address + 4 (22-bit field, sign-extended, x2). */
    public static long thumbBlOffset(byte[] b, int at) {
        int field = ((b[at + 1] & 7) << 19) | ((b[at] & 0xFF) << 11) | ((b[at + 3] & 7) << 8) | (b[at + 2] & 0xFF);
        return (field << 10) >> 9;
    }

    /** A BL at old offset q (window index w), re-aimed if the map knows both it and its target. */
    private static void reaimBl(RelocationMap map, byte[] window, int w, long q, long from, long end, byte[] out,
                                int outOff) {
        long target = map.map(q + 4 + thumbBlOffset(window, w));
        long at = map.map(q);
        if (target < 0 || at < 0) {
            return;
        }
        long offset = (target - (at + 4)) >> 1;
        long bl = (offset >> 11 & 0xFF) | (0xF0 | (offset >> 19 & 7)) << 8 | (offset & 0xFF) << 16
                | (0xF8 | (offset >> 8 & 7)) << 24;
        place(bl, q, from, end, out, outOff);
    }

    /** Writes the 4 little-endian bytes of {@code value} that old offset {@code at} starts, clipped to the range. */
    private static void place(long value, long at, long from, long end, byte[] out, int outOff) {
        for (int k = 0; k < 4; k++) {
            if (at + k >= from && at + k < end) {
                out[outOff + (int) (at + k - from)] = (byte) (value >>> (8 * k));
            }
        }
    }
}
