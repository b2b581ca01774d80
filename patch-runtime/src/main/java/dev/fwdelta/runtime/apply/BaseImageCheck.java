// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;

/** Checks that the image on the device is the patch's base, before anything is written. */
final class BaseImageCheck {
    private BaseImageCheck() {}

    static void verify(OldImage old, ImageChecksums expected) throws IOException {
        if (old.size() != expected.size()) {
            throw new PatchException(ErrorCode.WRONG_BASE_IMAGE,
                    "old image has " + old.size() + " bytes, the patch needs old_size " + expected.size());
        }
        byte[] buffer = new byte[Limits.OLD_READ_BUFFER];
        ImageChecksums.Accumulator acc = ImageChecksums.Accumulator.toCheck(expected);
        for (long pos = 0; pos < old.size(); ) {
            int n = (int) Math.min(buffer.length, old.size() - pos);
            old.read(pos, buffer, 0, n);
            acc.update(buffer, 0, n);
            pos += n;
        }
        ImageChecksums actual = acc.result();
        if (!actual.matches(expected)) {
            throw new PatchException(ErrorCode.WRONG_BASE_IMAGE,
                    "old image is " + actual + ", the patch needs " + expected);
        }
    }
}
