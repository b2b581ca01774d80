// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import java.io.IOException;

/** A BSDIFF40 patch that is truncated, corrupt or inconsistent. */
public final class BadBsdiffPatchException extends IOException {
    public BadBsdiffPatchException(String message) {
        super(message);
    }

    public BadBsdiffPatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
