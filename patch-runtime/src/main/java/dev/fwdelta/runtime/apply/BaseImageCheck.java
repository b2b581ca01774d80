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

    /** Returns the checksums the image was found to have (those {@code expected} records). */
    static ImageChecksums verify(OldImage old, ImageChecksums expected) throws IOException {
        if (old.size() != expected.size()) {
            throw new PatchException(ErrorCode.WRONG_BASE_IMAGE,
                    "old image has " + old.size() + " bytes, the patch needs old_size " + expected.size());
        }
        ImageChecksums known = old.knownChecksums();
        ImageChecksums actual = known != null && known.size() == old.size() ? known : measure(old, expected);
        if (!actual.matches(expected)) {
            // What was measured is the first old_size bytes: a device's slot is larger than its image.
            throw new PatchException(ErrorCode.WRONG_BASE_IMAGE, "the first " + old.size() + " bytes of the old image have "
                    + actual.checksumsText() + ", the patch needs " + expected);
        }
        return actual;
    }

    private static ImageChecksums measure(OldImage old, ImageChecksums expected) throws IOException {
        byte[] buffer = new byte[Limits.OLD_READ_BUFFER];
        ImageChecksums.Accumulator acc = ImageChecksums.Accumulator.toCheck(expected);
        for (long pos = 0; pos < old.size(); ) {
            int n = (int) Math.min(buffer.length, old.size() - pos);
            old.read(pos, buffer, 0, n);
            acc.update(buffer, 0, n);
            pos += n;
        }
        return acc.result();
    }
}
