// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.util.concurrent.CompletableFuture;

/**
 * The images' checksums, computed alongside the diff and waited for when a header is made.
 * One task hashes both images one after the other: the second then runs compiled code (run
 * side by side, both hashed interpreted at first, and their CPU time came off the diff).
 */
record ImageSums(CompletableFuture<ImageChecksums[]> both) {
    static ImageSums startOf(byte[] oldImage, byte[] newImage) {
        return new ImageSums(CompletableFuture.supplyAsync(() -> new ImageChecksums[] {
                ImageChecksums.forCompactHeader(oldImage), ImageChecksums.forCompactHeader(newImage)}));
    }

    ImageChecksums old() {
        return both.join()[0];
    }

    ImageChecksums neu() {
        return both.join()[1];
    }
}
