// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

/** Process exit codes of the fwdelta command (README, "Exit codes"). */
public final class ExitCodes {
    public static final int OK = 0;
    /** An unexpected internal failure (a bug): reported with its stack trace. */
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    /** The patch is malformed, corrupt, or its result did not verify. */
    public static final int BAD_PATCH = 3;
    /** The old image is not the one the patch was made for. */
    public static final int WRONG_BASE_IMAGE = 4;
    /** A file could not be read or written. */
    public static final int IO_ERROR = 5;
    /**
     * Refused by the device: its policy (unsigned, untrusted key, bad signature, older version, other
     * board) or its capacity (the update does not fit its staging slot or status logs).
     */
    public static final int REFUSED = 6;

    private ExitCodes() {}
}
