// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;

/**
 * The checks of a block header that need only the patch header and how much of the payload is
 * left: the block's index and its two lengths (docs/FORMAT.md 2). The applier makes them before it
 * feeds a block to its decoder, and {@code fwdelta inspect} and {@code verify} make the same ones
 * without an old image, so both name the same field when one is wrong.
 */
public final class BlockLayoutCheck {
    private BlockLayoutCheck() {}

    /**
     * Refuses a block whose index is not {@code expectedIndex}, whose raw_length is not in
     * 1..max_block_raw, or whose encoded_length is not in 1..the codec's bound for that raw length
     * and the {@code payloadLeft} bytes after the block header.
     */
    public static void check(PatchHeader header, long expectedIndex, long index, long rawLength, long encodedLength,
                             long payloadLeft) throws PatchException {
        inRange(ErrorCode.BAD_BLOCK_INDEX, "block_index", index, expectedIndex, expectedIndex);
        inRange(ErrorCode.BAD_RAW_LENGTH, "raw_length", rawLength, 1, header.maxBlockRaw());
        long maxEncoded = Math.min(header.codec().encodedBound(rawLength), payloadLeft);
        inRange(ErrorCode.BAD_ENCODED_LENGTH, "encoded_length", encodedLength, 1, maxEncoded);
    }

    static void inRange(ErrorCode code, String field, long value, long lo, long hi) throws PatchException {
        if (value < lo || value > hi) {
            throw PatchException.outOfRange(code, field, value, lo, hi);
        }
    }
}
