// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import picocli.CommandLine.Option;

/**
 * {@code --max-size}: the largest new image a patch may declare. A small patch can declare a
 * huge image, so the declared size is checked on the header, before a byte is written or
 * decompressed; an image really this large needs the option raised.
 */
final class MaxSizeOption {
    static final String DEFAULT = "256MiB";

    @Option(names = "--max-size", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = DEFAULT,
            description = "Refuse a patch that declares a new image larger than this, before anything is written "
                    + "(default: ${DEFAULT-VALUE}; at most 2 GiB - 1).")
    long bytes;

    /** The limit, checked against the largest image the tool handles. */
    long bytes() {
        if (bytes > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException("--max-size " + bytes + " is above the largest image the tool handles, "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
        return bytes;
    }

    /** Refuses a fwdelta patch whose header declares a larger new image (exit 3, like any bad header field). */
    void checkNewSize(long declared) throws PatchException {
        if (declared > bytes()) {
            throw new PatchException(ErrorCode.BAD_NEW_SIZE, "bad value for new_size: " + declared + " (valid range 0.."
                    + bytes() + ": the largest new image accepted, set by --max-size)");
        }
    }
}
