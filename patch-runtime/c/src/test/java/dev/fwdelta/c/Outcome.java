// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import java.util.Arrays;

/**
 * What one apply gave: the new image, or the error code (docs/FORMAT.md 5). {@code exitCode} is
 * the command's (0 ok, 3 bad patch, 4 wrong base, 5 I/O).
 */
record Outcome(int errorCode, int exitCode, byte[] image) {
    static Outcome ok(byte[] image) {
        return new Outcome(0, 0, image);
    }

    boolean sameAs(Outcome other) {
        return errorCode == other.errorCode && exitCode == other.exitCode
                && (errorCode != 0 || Arrays.equals(image, other.image));
    }

    @Override
    public String toString() {
        return errorCode == 0 ? "ok, " + image.length + " bytes" : "error code " + errorCode + " (exit " + exitCode + ")";
    }
}
