// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.SplitControls;
import java.util.Arrays;

/**
 * Codec split's control coder, the encoder's side (FORMAT.md 2.4): one adaptive model per record
 * field; a value is its bit length (choice bits, a 3-bit tree for 0..7 or 8..15, a 5-bit one
 * above), the two bits below its top bit, then the rest as direct bits.
 */
final class ControlValueEncoder {
    private final short[] probs = new short[Codec.SPLIT_CONTROL_PROBS];
    private final RangeEncoder rc = new RangeEncoder();

    ControlValueEncoder() {
        Arrays.fill(probs, (short) 1024);
    }

    /** Codes {@code value} (0..2^32-1) of {@code field} ({@link SplitControls#KIND} .. {@link SplitControls#SEEK}). */
    void encode(int field, long value) {
        int base = field * SplitControls.PROBS_PER_FIELD;
        int length = 64 - Long.numberOfLeadingZeros(value);
        if (length < 8) {
            rc.bit(probs, base + SplitControls.CHOICE, 0);
            rc.tree(probs, base + SplitControls.LOW, 3, length);
        } else if (length < 16) {
            rc.bit(probs, base + SplitControls.CHOICE, 1);
            rc.bit(probs, base + SplitControls.CHOICE2, 0);
            rc.tree(probs, base + SplitControls.MID, 3, length - 8);
        } else {
            rc.bit(probs, base + SplitControls.CHOICE, 1);
            rc.bit(probs, base + SplitControls.CHOICE2, 1);
            rc.tree(probs, base + SplitControls.HIGH, 5, length - 16);
        }
        if (length < 2) {
            return;
        }
        int below = length - 1;
        int high = Math.min(SplitControls.BELOW_TOP_BITS, below);
        int rest = below - high;
        rc.tree(probs, base + SplitControls.BELOW_TOP + (1 << SplitControls.BELOW_TOP_BITS) * (length - 2), high,
                (int) ((value >>> rest) & ((1 << high) - 1)));
        rc.directBits((int) (value & ((1L << rest) - 1)), rest);
    }

    byte[] finish() {
        return rc.finish();
    }
}
