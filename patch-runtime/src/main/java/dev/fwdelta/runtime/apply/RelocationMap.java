// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ByteWriter;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Where the old image's code and data went in the new one, piecewise, and which references the
 * device re-aims through it (docs/FORMAT.md 2.3). Entry 0 of the map section is the prefix:
 * the image's link address and the transforms in use. Every further entry i says that old offsets
 * from {@code start[i]} up to the next entry's start moved by {@code shift[i]}. Used only to
 * predict bytes, so an imprecise map costs size, never correctness.
 * RAM: 8 bytes per entry (the section itself), at most {@link Limits#MAX_MAP_ENTRIES} entries
 * including the prefix.
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

    /** Reads the section's u32 and i32 fields in one access each (the map is searched for every reference). */
    private static final VarHandle FIELD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The map section itself, 8 bytes an entry as formats 1 and 2 carry it (format 3's compact
     * section expands to it): the prefix, then per entry u32 old_start and i32 shift. The map
     * keeps no other copy of its entries.
     */
    private final byte[] section;
    /** Shift entries: the section's entries less the prefix. */
    private final int entries;
    private final long imageBase;
    private final int transforms;
    private final long oldSize;

    /** The map of these entries (the builder's), with {@code starts} ascending. */
    public RelocationMap(long imageBase, int transforms, long[] starts, long[] shifts, long oldSize) {
        this(section(imageBase, transforms, starts, shifts), starts.length, imageBase, oldSize);
    }

    /** {@code imageBase}: the section's, or the builder's candidate (which may not fit its u32 field). */
    private RelocationMap(byte[] section, int entries, long imageBase, long oldSize) {
        this.section = section;
        this.entries = entries;
        this.imageBase = imageBase;
        this.transforms = section[4] & 0xFF;
        this.oldSize = oldSize;
    }

    private static byte[] section(long imageBase, int transforms, long[] starts, long[] shifts) {
        if (starts.length != shifts.length) {
            throw new IllegalArgumentException(starts.length + " starts, " + shifts.length + " shifts");
        }
        byte[] b = new byte[(starts.length + 1) * Limits.MAP_ENTRY_BYTES];
        LittleEndian.put32(b, 0, imageBase);
        b[4] = (byte) transforms;
        for (int i = 0; i < starts.length; i++) {
            LittleEndian.put32(b, (i + 1) * Limits.MAP_ENTRY_BYTES, starts[i]);
            LittleEndian.put32(b, (i + 1) * Limits.MAP_ENTRY_BYTES + 4, shifts[i]);
        }
        return b;
    }

    /**
     * Parses and checks a map section of {@code count} 8-byte entries: the prefix (transforms known
     * to the patch's format version, at least one; reserved bytes zero), then strictly increasing
     * starts inside the old image and bounded shifts. The map keeps {@code section} as its
     * storage, not a copy (RAM: 8 bytes per entry): the caller must not change it afterwards.
     */
    public static RelocationMap parse(byte[] section, int count, long oldSize, int formatVersion)
            throws PatchException {
        if (count < 2) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map_count", count, 2, Limits.MAX_MAP_ENTRIES);
        }
        int transforms = section[4] & 0xFF;
        int known = knownTransforms(formatVersion);
        if (transforms == 0 || (transforms & ~known) != 0) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map transforms", transforms, 1, known);
        }
        long reserved = (section[5] & 0xFF) | (section[6] & 0xFF) << 8 | (section[7] & 0xFF) << 16;
        if (reserved != 0) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map prefix reserved bytes 5..7", reserved, 0, 0);
        }
        RelocationMap map = new RelocationMap(section, count - 1, LittleEndian.u32(section, 0), oldSize);
        for (int i = 0; i < map.entries; i++) {
            long start = map.start(i);
            long shift = map.shift(i);
            long lo = i == 0 ? 0 : map.start(i - 1) + 1;
            if (start < lo || start >= oldSize) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + (i + 1) + " old_start", start, lo,
                        oldSize - 1);
            }
            if (Math.abs(shift) > Limits.MAX_IMAGE_SIZE) {
                throw PatchException.outOfRange(ErrorCode.BAD_MAP, "map entry " + (i + 1) + " shift", shift,
                        -Limits.MAX_IMAGE_SIZE, Limits.MAX_IMAGE_SIZE);
            }
        }
        return map;
    }

    /** Old start of shift entry {@code i} (section entry i + 1). */
    private long start(int i) {
        return (int) FIELD.get(section, (i + 1) * Limits.MAP_ENTRY_BYTES) & 0xFFFF_FFFFL;
    }

    private long shift(int i) {
        return (int) FIELD.get(section, (i + 1) * Limits.MAP_ENTRY_BYTES + 4);
    }

    /** Entries in the map section, the prefix included (the header's map_count). */
    public int sectionEntries() {
        return entries + 1;
    }

    public long imageBase() {
        return imageBase;
    }

    public boolean has(int transform) {
        return (transforms & transform) != 0;
    }

    /** The size of the old image the map is of. */
    public long oldSize() {
        return oldSize;
    }

    /** The shift entries' old starts, ascending (a new array: for the builder). */
    public long[] starts() {
        long[] out = new long[entries];
        for (int i = 0; i < entries; i++) {
            out[i] = start(i);
        }
        return out;
    }

    /** The shift entries' shifts (a new array: for the builder). */
    public long[] shifts() {
        long[] out = new long[entries];
        for (int i = 0; i < entries; i++) {
            out[i] = shift(i);
        }
        return out;
    }

    public RelocationMap withTransforms(long base, int newTransforms) {
        byte[] b = section.clone();
        LittleEndian.put32(b, 0, base);
        b[4] = (byte) newTransforms;
        return new RelocationMap(b, entries, base, oldSize);
    }

    /** The predicted new offset of old offset {@code a}, or -1 when the map says nothing of it. */
    public long map(long a) {
        if (a < 0 || a >= oldSize || entries == 0 || a < start(0)) {
            return -1;
        }
        int lo = 0;
        int hi = entries - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return a + shift(lo);
    }

    /** The section of formats 1 and 2 (a copy). */
    public byte[] encode() {
        return section.clone();
    }

    /**
     * Format 3's map section (FORMAT.md 2.3): image_base as a varint, the transforms byte, then
     * per entry the distance from the previous entry's old_start (uvarint) and the shift (svarint).
     */
    public byte[] encodeCompact() {
        ByteWriter w = new ByteWriter()
                .uvarint(imageBase).u8(transforms);
        long previous = 0;
        for (int i = 0; i < entries; i++) {
            w.uvarint(start(i) - previous).svarint(shift(i));
            previous = start(i);
        }
        return w.toByteArray();
    }
}
