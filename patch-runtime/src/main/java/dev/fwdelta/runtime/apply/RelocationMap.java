// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ByteWriter;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;

/**
 * Where the old image's code and data went in the new one, piecewise, and which references the
 * device re-aims through it (docs/FORMAT.md 2.3). Entry 0 of the map section is the prefix:
 * the image's link address and the transforms in use. Every further entry i says that old offsets
 * from {@code start[i]} up to the next entry's start moved by {@code shift[i]}. Used only to
 * predict bytes, so an imprecise map costs size, never correctness.
 * RAM: 8 bytes per entry, at most {@link Limits#MAX_MAP_ENTRIES} entries including the prefix.
 */
public final class RelocationMap {
    /** Thumb BL calls (Cortex-M) are re-aimed. */
    public static final int THUMB_BL = 1;
    /** Aligned 32-bit words holding an address inside the old image are re-aimed. */
    public static final int POINTER32 = 2;
    /** AArch64 B and BL are re-aimed. */
    public static final int A64_BRANCH = 4;
    /** AArch64 ADRP and the ADD or load/store that completes its address are re-aimed. */
    public static final int A64_ADRP = 8;
    /** Aligned 64-bit words holding an address inside the old image are re-aimed. */
    public static final int POINTER64 = 16;
    /** Xtensa CALL0/4/8/12 whose target begins like a function are re-aimed. */
    public static final int XTENSA_CALL = 32;
    public static final int KNOWN_TRANSFORMS = THUMB_BL | POINTER32 | A64_BRANCH | A64_ADRP | POINTER64 | XTENSA_CALL;
    /** The transforms a version-2 patch may use: XTENSA_CALL came with format 3. */
    public static final int VERSION2_TRANSFORMS = THUMB_BL | POINTER32 | A64_BRANCH | A64_ADRP | POINTER64;

    /** The transforms a patch of this format version may name. */
    public static int knownTransforms(int formatVersion) {
        return formatVersion >= 3 ? KNOWN_TRANSFORMS : VERSION2_TRANSFORMS;
    }

    private final long imageBase;
    private final int transforms;
    private final long[] starts;
    private final long[] shifts;
    private final long oldSize;

    public RelocationMap(long imageBase, int transforms, long[] starts, long[] shifts, long oldSize) {
        this.imageBase = imageBase;
        this.transforms = transforms;
        this.starts = starts.clone();
        this.shifts = shifts.clone();
        this.oldSize = oldSize;
    }

    /**
     * Parses and checks a map section of {@code count} 8-byte entries: the prefix (transforms known
     * to the patch's format version, at least one; reserved bytes zero), then strictly increasing
     * starts inside the old image and bounded shifts.
     */
    public static RelocationMap parse(byte[] section, int count, long oldSize, int formatVersion)
            throws PatchException {
        if (count < 2) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map_count", count, 2, Limits.MAX_MAP_ENTRIES);
        }
        long base = LittleEndian.u32(section, 0);
        int transforms = section[4] & 0xFF;
        int known = knownTransforms(formatVersion);
        if (transforms == 0 || (transforms & ~known) != 0) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map transforms", transforms, 1, known);
        }
        long reserved = (section[5] & 0xFF) | (section[6] & 0xFF) << 8 | (section[7] & 0xFF) << 16;
        if (reserved != 0) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map prefix reserved bytes 5..7", reserved, 0, 0);
        }
        int entries = count - 1;
        long[] starts = new long[entries];
        long[] shifts = new long[entries];
        for (int i = 0; i < entries; i++) {
            int at = (i + 1) * Limits.MAP_ENTRY_BYTES;
            long start = LittleEndian.u32(section, at);
            long shift = LittleEndian.i32(section, at + 4);
            long lo = i == 0 ? 0 : starts[i - 1] + 1;
            if (start < lo || start >= oldSize) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + (i + 1) + " old_start", start, lo,
                        oldSize - 1);
            }
            if (Math.abs(shift) > Limits.MAX_IMAGE_SIZE) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + (i + 1) + " shift", shift,
                        -Limits.MAX_IMAGE_SIZE, Limits.MAX_IMAGE_SIZE);
            }
            starts[i] = start;
            shifts[i] = shift;
        }
        return new RelocationMap(base, transforms, starts, shifts, oldSize);
    }

    /** Entries in the map section, the prefix included (the header's map_count). */
    public int sectionEntries() {
        return starts.length + 1;
    }

    public long imageBase() {
        return imageBase;
    }

    public boolean has(int transform) {
        return (transforms & transform) != 0;
    }

    /** The shift entries' old starts, ascending. */
    /** The size of the old image the map is of. */
    public long oldSize() {
        return oldSize;
    }

    public long[] starts() {
        return starts.clone();
    }

    public long[] shifts() {
        return shifts.clone();
    }

    public RelocationMap withTransforms(long base, int newTransforms) {
        return new RelocationMap(base, newTransforms, starts, shifts, oldSize);
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
        byte[] b = new byte[sectionEntries() * Limits.MAP_ENTRY_BYTES];
        LittleEndian.put32(b, 0, imageBase);
        b[4] = (byte) transforms;
        for (int i = 0; i < starts.length; i++) {
            LittleEndian.put32(b, (i + 1) * Limits.MAP_ENTRY_BYTES, starts[i]);
            LittleEndian.put32(b, (i + 1) * Limits.MAP_ENTRY_BYTES + 4, shifts[i]);
        }
        return b;
    }

    /**
     * Format 3's map section (FORMAT.md 2.3): image_base as a varint, the transforms byte, then
     * per entry the distance from the previous entry's old_start (uvarint) and the shift (svarint).
     */
    public byte[] encodeCompact() {
        ByteWriter w = new ByteWriter()
                .uvarint(imageBase).u8(transforms);
        long previous = 0;
        for (int i = 0; i < starts.length; i++) {
            w.uvarint(starts[i] - previous).svarint(shifts[i]);
            previous = starts[i];
        }
        return w.toByteArray();
    }
}
