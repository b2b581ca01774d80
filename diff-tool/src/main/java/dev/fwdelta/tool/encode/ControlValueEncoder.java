// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import java.util.Arrays;

/**
 * Codec split's control coder, the encoder's side (FORMAT.md 2.4): one adaptive model per record
 * field; a value is its bit length (choice bits, a 3-bit tree for 0..7 or 8..15, a 5-bit one
 * above), the two bits below its top bit, then the rest as direct bits.
 */
final class ControlValueEncoder {
    static final int FIELDS = 6;
    private static final int PROBS_PER_FIELD = Codec.SPLIT_CONTROL_PROBS / FIELDS;
    private static final int CHOICE = 0;
    private static final int CHOICE2 = 1;
    private static final int LOW = 2;
    private static final int MID = 10;
    private static final int HIGH = 18;
    private static final int HIGH_BITS_TREES = 50;
    private static final int HIGH_BITS = 2;

    private final short[] probs = new short[Codec.SPLIT_CONTROL_PROBS];
    private final RangeEncoder rc = new RangeEncoder();

    ControlValueEncoder() {
        Arrays.fill(probs, (short) 1024);
    }

    /** Codes {@code value} (0..2^32-1) of {@code field} (0 kind .. 5 seek). */
    void encode(int field, long value) {
        int base = field * PROBS_PER_FIELD;
        int length = 64 - Long.numberOfLeadingZeros(value);
        if (length < 8) {
            rc.bit(probs, base + CHOICE, 0);
            rc.tree(probs, base + LOW, 3, length);
        } else if (length < 16) {
            rc.bit(probs, base + CHOICE, 1);
            rc.bit(probs, base + CHOICE2, 0);
            rc.tree(probs, base + MID, 3, length - 8);
        } else {
            rc.bit(probs, base + CHOICE, 1);
            rc.bit(probs, base + CHOICE2, 1);
            rc.tree(probs, base + HIGH, 5, length - 16);
        }
        if (length < 2) {
            return;
        }
        int below = length - 1;
        int high = Math.min(HIGH_BITS, below);
        int rest = below - high;
        rc.tree(probs, base + HIGH_BITS_TREES + (1 << HIGH_BITS) * (length - 2), high,
                (int) ((value >>> rest) & ((1 << high) - 1)));
        rc.directBits((int) (value & ((1L << rest) - 1)), rest);
    }

    byte[] finish() {
        return rc.finish();
    }
}
