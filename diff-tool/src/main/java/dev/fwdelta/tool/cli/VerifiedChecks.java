// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks an apply made of the new image, for text output: the applier checks what the header
 * records, and a header with flag SHA_ONLY (what the builder writes) records no CRC.
 */
final class VerifiedChecks {
    private VerifiedChecks() {
    }

    static String of(ImageChecksums newImage) {
        List<String> checks = new ArrayList<>(List.of("size"));
        if (newImage.hasCrc32()) {
            checks.add("CRC-32");
        }
        if (newImage.crc32Mpeg2() != ImageChecksums.MPEG2_NOT_RECORDED) {
            checks.add("CRC-32/MPEG-2");
        }
        checks.add("SHA-256");
        return String.join(", ", checks);
    }
}
