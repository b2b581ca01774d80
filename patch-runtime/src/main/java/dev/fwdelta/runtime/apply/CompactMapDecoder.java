// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;

/**
 * Turns format 3's compact map section, fed a byte at a time, into the 8-byte entries of formats
 * 1 and 2 (FORMAT.md 2.3), which {@link RelocationMap#parse} then checks. RAM: the expanded
 * section (8 bytes per entry, counted in decoder_ram) and one varint in progress.
 */
final class CompactMapDecoder {
    private final byte[] section;
    private final int count;
    /** Field being read: 0 image_base, 1 transforms, then 2 + 2k start delta, 3 + 2k shift of entry k+1. */
    private int field;
    private long value;
    private int varintBytes;
    private long previousStart;

    CompactMapDecoder(int count) {
        this.count = count;
        this.section = new byte[count * Limits.MAP_ENTRY_BYTES];
    }

    /** Whether every entry has been read. */
    boolean complete() {
        return field == 2 * count;
    }

    /** The expanded section: valid once {@link #complete()}. */
    byte[] section() {
        return section;
    }

    void feed(int b) throws PatchException {
        if (field == 1) {
            section[4] = (byte) b;
            field++;
            return;
        }
        if (b == 0 && varintBytes > 0) {
            throw new PatchException(ErrorCode.BAD_MAP, "bad value for " + fieldName()
                    + ": varint not in its shortest form (a trailing 0x00 byte)");
        }
        value |= (long) (b & 0x7F) << (7 * varintBytes);
        varintBytes++;
        if (b >= 0x80) {
            if (varintBytes == Limits.MAX_VARINT_BYTES) {
                throw new PatchException(ErrorCode.BAD_MAP, "bad value for " + fieldName()
                        + ": varint longer than " + Limits.MAX_VARINT_BYTES + " bytes");
            }
            return;
        }
        long v = value;
        value = 0;
        varintBytes = 0;
        if (field == 0) {
            check(v, 0, 0xFFFF_FFFFL);
            LittleEndian.put32(section, 0, v);
        } else {
            int at = (field / 2) * Limits.MAP_ENTRY_BYTES;
            if (field % 2 == 0) {
                long start = previousStart + v;
                check(start, 0, Limits.MAX_IMAGE_SIZE);
                LittleEndian.put32(section, at, start);
                previousStart = start;
            } else {
                long shift = (v >>> 1) ^ -(v & 1);
                check(shift, -Limits.MAX_IMAGE_SIZE, Limits.MAX_IMAGE_SIZE);
                LittleEndian.put32(section, at + 4, shift);
            }
        }
        field++;
    }

    private void check(long v, long lo, long hi) throws PatchException {
        if (v < lo || v > hi) {
            throw PatchException.outOfRange(ErrorCode.BAD_MAP, fieldName(), v, lo, hi);
        }
    }

    private String fieldName() {
        if (field == 0) {
            return "map image_base";
        }
        return "map entry " + (field / 2) + (field % 2 == 0 ? " old_start" : " shift");
    }
}
