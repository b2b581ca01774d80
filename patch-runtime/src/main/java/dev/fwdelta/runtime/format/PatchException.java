// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import java.io.IOException;

/**
 * Bad, truncated or mismatching patch data. Caller mistakes (a null buffer, a call after
 * finish) are {@link IllegalArgumentException}/{@link IllegalStateException} instead.
 */
public final class PatchException extends IOException {
    private final ErrorCode code;
    private final String detail;

    public PatchException(ErrorCode code, String message) {
        super(code + " (" + code.number() + "): " + message);
        this.code = code;
        this.detail = message;
    }

    public PatchException(ErrorCode code, String message, Throwable cause) {
        this(code, message);
        initCause(cause);
    }

    /** "Bad value for FIELD: V (valid range LO..HI)". */
    public static PatchException outOfRange(ErrorCode code, String field, long value, long lo, long hi) {
        return new PatchException(code, "bad value for " + field + ": " + value
                + " (valid range " + lo + ".." + hi + ")");
    }

    public ErrorCode code() {
        return code;
    }

    /** The message without its code: what a caller that names the patch's source puts after the source. */
    public String detail() {
        return detail;
    }
}
