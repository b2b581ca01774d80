// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.IOException;

/** Codec "none": the block's bytes are the raw records. */
final class StoredDecoder implements BlockDecoder {
    private long rawRemaining;

    @Override
    public void start(long encodedLength, long rawLength) {
        rawRemaining = rawLength;
    }

    @Override
    public void feed(byte[] b, int off, int len, RawConsumer out) throws IOException {
        if (len > rawRemaining) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "stored block longer than its raw_length");
        }
        rawRemaining -= len;
        out.accept(b, off, len);
    }

    @Override
    public void finish(RawConsumer out) throws PatchException {
        if (rawRemaining != 0) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT,
                    "stored block ended " + rawRemaining + " bytes short of its raw_length");
        }
    }
}
