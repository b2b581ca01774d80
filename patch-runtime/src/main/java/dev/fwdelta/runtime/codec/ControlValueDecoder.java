// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.SplitControls;
import java.util.Arrays;

/**
 * Codec split's control coder (FORMAT.md 2.4): one adaptive model per record field. A value is
 * its bit length (choice bits, then a 3-bit tree for 0..7 or 8..15, a 5-bit one above: LZMA's
 * match-length scheme), the two bits below its top bit (a tree per length), then the rest as
 * direct bits (LZMA's match-distance scheme).
 */
final class ControlValueDecoder {
    private final short[] probs = new short[Codec.SPLIT_CONTROL_PROBS];

    void reset() {
        Arrays.fill(probs, (short) (RangeDecoder.BIT_MODEL_TOTAL / 2));
    }

    /** The next value of {@code field} ({@link SplitControls#KIND} .. {@link SplitControls#SEEK}), 0..2^32-1. */
    long decode(RangeDecoder rc, int field) throws PatchException {
        int base = field * SplitControls.PROBS_PER_FIELD;
        int length;
        if (rc.bit(probs, base + SplitControls.CHOICE) == 0) {
            length = rc.tree(probs, base + SplitControls.LOW, 3);
        } else if (rc.bit(probs, base + SplitControls.CHOICE2) == 0) {
            length = 8 + rc.tree(probs, base + SplitControls.MID, 3);
        } else {
            length = 16 + rc.tree(probs, base + SplitControls.HIGH, 5);
        }
        if (length > SplitControls.MAX_BIT_LENGTH) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "split control value's bit length", length, 0,
                    SplitControls.MAX_BIT_LENGTH);
        }
        if (length < 2) {
            return length;
        }
        int below = length - 1;
        int high = Math.min(SplitControls.BELOW_TOP_BITS, below);
        long top = rc.tree(probs, base + SplitControls.BELOW_TOP + (1 << SplitControls.BELOW_TOP_BITS) * (length - 2),
                high);
        int rest = below - high;
        return (1L << below) | (top << rest) | Integer.toUnsignedLong(rc.directBits(rest));
    }
}
