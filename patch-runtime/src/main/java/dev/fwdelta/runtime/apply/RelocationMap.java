package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;

/**
 * Where the old image's code went in the new one, piecewise (docs/FORMAT.md 2.3): entry i says
 * that old offsets from {@code start[i]} up to the next entry's start moved by {@code shift[i]}.
 * Used only to predict bytes, so an imprecise map costs size, never correctness.
 * RAM: 8 bytes per entry, at most {@link Limits#MAX_MAP_ENTRIES} entries.
 */
public final class RelocationMap {
    private final long[] starts;
    private final long[] shifts;
    private final long oldSize;

    public RelocationMap(long[] starts, long[] shifts, long oldSize) {
        this.starts = starts.clone();
        this.shifts = shifts.clone();
        this.oldSize = oldSize;
    }

    /** Parses and checks the map section: strictly increasing starts inside the old image, bounded shifts. */
    public static RelocationMap parse(byte[] section, int count, long oldSize) throws PatchException {
        long[] starts = new long[count];
        long[] shifts = new long[count];
        for (int i = 0; i < count; i++) {
            long start = LittleEndian.u32(section, i * Limits.MAP_ENTRY_BYTES);
            long shift = LittleEndian.i32(section, i * Limits.MAP_ENTRY_BYTES + 4);
            long lo = i == 0 ? 0 : starts[i - 1] + 1;
            if (start < lo || start >= oldSize) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + i + " old_start", start, lo,
                        oldSize - 1);
            }
            if (Math.abs(shift) > Limits.MAX_IMAGE_SIZE) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + i + " shift", shift,
                        -Limits.MAX_IMAGE_SIZE, Limits.MAX_IMAGE_SIZE);
            }
            starts[i] = start;
            shifts[i] = shift;
        }
        return new RelocationMap(starts, shifts, oldSize);
    }

    public int size() {
        return starts.length;
    }

    /** The predicted new offset of old offset {@code a}, or -1 when the map says nothing of it. */
    public long map(long a) {
        if (a < 0 || a >= oldSize || starts.length == 0 || a < starts[0]) {
            return -1;
        }
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return a + shifts[lo];
    }

    public byte[] encode() {
        byte[] b = new byte[starts.length * Limits.MAP_ENTRY_BYTES];
        for (int i = 0; i < starts.length; i++) {
            LittleEndian.put32(b, i * Limits.MAP_ENTRY_BYTES, starts[i]);
            LittleEndian.put32(b, i * Limits.MAP_ENTRY_BYTES + 4, shifts[i]);
        }
        return b;
    }
}
