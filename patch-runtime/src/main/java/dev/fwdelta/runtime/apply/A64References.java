// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.LittleEndian;

/**
 * The AArch64 instructions whose fields hold a reference (docs/FORMAT.md 2.3): B/BL with a 26-bit
 * word offset, and ADRP with a 21-bit page offset whose low 12 bits sit in the ADD or load/store
 * that follows it. Compilers emit ADRP + ADD/LDR for nearly every access to global data, so when
 * code and data move by different amounts each such pair changes in both words.
 * Decoding only: the builder reads references with it, the relocated view re-aims them.
 */
public final class A64References {
    /** How far after an ADRP its partner may be, in instructions. */
    public static final int PARTNER_REACH = 8;

    private A64References() {}

    /** B or BL: {@code x00101 imm26}. */
    public static boolean isBranch(int w) {
        return (w & 0x7C00_0000) == 0x1400_0000;
    }

    /** The byte offset of a B/BL target from the instruction's own address. */
    public static long branchOffset(int w) {
        return (long) (w << 6 >> 6) * 4;
    }

    /** The B/BL {@code w} with the byte offset {@code offset} (low 26 bits of offset / 4). */
    public static int withBranchOffset(int w, long offset) {
        return (w & 0xFC00_0000) | (int) (offset >> 2 & 0x03FF_FFFF);
    }

    /** ADRP: {@code 1 immlo 10000 immhi Rd}. */
    public static boolean isAdrp(int w) {
        return (w & 0x9F00_0000) == 0x9000_0000;
    }

    /** The destination (ADRP) or base (ADD, load/store) register. */
    public static int rd(int w) {
        return w & 31;
    }

    public static int rn(int w) {
        return w >> 5 & 31;
    }

    /** The page offset of an ADRP, in bytes (a multiple of 4096). */
    public static long adrpOffset(int w) {
        int imm = (w >> 5 & 0x7FFFF) << 2 | (w >> 29 & 3);
        return (long) (imm << 11 >> 11) << 12;
    }

    /** The ADRP {@code w} with the page offset {@code pages} (in pages, low 21 bits). */
    public static int withAdrpPages(int w, long pages) {
        return (w & 0x9F00_001F) | (int) (pages & 3) << 29 | (int) (pages >> 2 & 0x7FFFF) << 5;
    }

    /**
     * How many bits the 12-bit immediate of a possible ADRP partner is shifted left, or -1 if
     * {@code w} is not one: ADD (64-bit, immediate, unshifted) scales 0; a load or store with an
     * unsigned immediate scales by its access size.
     */
    public static int partnerScale(int w) {
        if ((w & 0xFFC0_0000) == 0x9100_0000) {
            return 0;
        }
        if ((w & 0x3B00_0000) == 0x3900_0000) {
            int size = w >>> 30;
            boolean vector128 = (w >> 26 & 1) == 1 && (w >> 23 & 1) == 1;
            return vector128 ? 4 : size;
        }
        return -1;
    }

    public static long lo12(int w) {
        return w >> 10 & 0xFFF;
    }

    public static int withLo12(int w, long imm12) {
        return (w & ~(0xFFF << 10)) | (int) (imm12 & 0xFFF) << 10;
    }

    /**
     * The index of the ADRP partner for the ADRP at {@code b[at]}: the first ADD or load/store based
     * on its register within {@link #PARTNER_REACH} instructions (and before {@code end}), unless an
     * ADRP to the same register comes first; -1 if there is none.
     */
    public static int partner(byte[] b, int at, int end) {
        int reg = rd(LittleEndian.i32(b, at));
        for (int q = at + 4; q <= at + 4 * PARTNER_REACH && q + 4 <= end; q += 4) {
            int x = LittleEndian.i32(b, q);
            if (rn(x) == reg && partnerScale(x) >= 0) {
                return q;
            }
            if (isAdrp(x) && rd(x) == reg) {
                return -1;
            }
        }
        return -1;
    }

    /** The address an ADRP at {@code address} (word {@code b[at]}) and its partner at {@code b[partner]} (or -1) form. */
    public static long adrpTarget(byte[] b, int at, int partner, long address) {
        long page = (address & ~0xFFFL) + adrpOffset(LittleEndian.i32(b, at));
        if (partner < 0) {
            return page;
        }
        int x = LittleEndian.i32(b, partner);
        return page + (lo12(x) << partnerScale(x));
    }
}
