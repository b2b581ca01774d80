// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

/**
 * Xtensa's CALL0/4/8/12 (docs/FORMAT.md 2.3): a 3-byte instruction whose 18-bit word offset
 * reaches a function anywhere within 512 KiB, so when code moves by different amounts across an
 * image (a release that grew a function moves everything after it) every call across the move
 * changes. Xtensa instructions are 2 or 3 bytes long and need no alignment: without decoding from
 * a known start, any byte with the CALL opcode in its low nibble might be one. A call is therefore
 * re-aimed only if its target begins like a function: a call0-ABI stack frame
 * ({@code ADDI a1, a1, imm}: bytes 12 C1) or a windowed-ABI {@code ENTRY a1, imm} (36 x1).
 * Decoding only: the builder reads calls with it, the relocated view re-aims them.
 */
public final class XtensaCalls {
    /** Offsets are 18-bit signed word counts. */
    private static final int OFFSET_LIMIT = 1 << 17;

    private XtensaCalls() {}

    /** CALLn: opcode 0101 in the low nibble of the first byte ({@code offset18 n 0101}, little-endian). */
    public static boolean isCall(byte first) {
        return (first & 0x0F) == 0x05;
    }

    /** The 3 bytes at {@code b[at..at+3)} as a little-endian 24-bit value. */
    public static int instruction(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    /** The target of the CALLn {@code x} at offset q: (q & ~3) + 4 + 4 * offset18. */
    public static long target(int x, long q) {
        long offset = (x << 8) >> 14; // bits 6..23, sign-extended
        return (q & ~3L) + 4 + offset * 4;
    }

    /**
     * The CALLn {@code x}, moved to offset {@code at}, aimed at {@code target}; -1 when the target
     * is not word-aligned or out of the offset's reach.
     */
    public static int aimedAt(int x, long at, long target) {
        long delta = target - 4 - (at & ~3L);
        if ((delta & 3) != 0 || delta / 4 < -OFFSET_LIMIT || delta / 4 >= OFFSET_LIMIT) {
            return -1;
        }
        return (x & 0x3F) | (int) ((delta / 4) & 0x3FFFF) << 6;
    }

    /** True if the two bytes begin a function: ADDI a1, a1, imm (12 C1) or ENTRY a1, imm (36 x1). */
    public static boolean startsFunction(byte b0, byte b1) {
        return (b0 == 0x12 && (b1 & 0xFF) == 0xC1) || (b0 == 0x36 && (b1 & 0x0F) == 0x01);
    }
}
