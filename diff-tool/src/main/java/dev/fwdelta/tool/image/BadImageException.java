// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/**
 * An image file that is malformed, of an unsupported kind, or not what its name says: a usage
 * error of the command line (exit 2), never an I/O error.
 */
public final class BadImageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadImageException(String message) {
        super(message);
    }
}
