// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.io.IOException;

/** A patch file that is not the one its release manifest describes (size or SHA-256): exit 3, bad patch. */
final class ManifestMismatchException extends IOException {
    ManifestMismatchException(String message) {
        super(message);
    }
}
