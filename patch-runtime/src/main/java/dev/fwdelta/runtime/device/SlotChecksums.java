// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.flash.Flash;

/**
 * The checksums of an image as flash holds it, read back through a 256-byte buffer: what the agent
 * verifies after staging and measures of the running image, and what the bootloader checks before
 * it starts an image. RAM: the buffer (the caller's, when it has one free).
 */
final class SlotChecksums {
    static final int CHUNK = 256;

    private SlotChecksums() {}

    /** Feeds {@code size} bytes of flash from {@code start} to {@code acc} and returns its result. */
    static ImageChecksums read(Flash flash, long start, long size, ImageChecksums.Accumulator acc) {
        return read(flash, start, size, acc, new byte[CHUNK]);
    }

    /** The same through {@code buffer} (any length): a caller's buffer that is free meanwhile. */
    static ImageChecksums read(Flash flash, long start, long size, ImageChecksums.Accumulator acc, byte[] buffer) {
        for (long at = 0; at < size; ) {
            int n = (int) Math.min(buffer.length, size - at);
            flash.read(start + at, buffer, 0, n);
            acc.update(buffer, 0, n);
            at += n;
        }
        return acc.result();
    }
}
