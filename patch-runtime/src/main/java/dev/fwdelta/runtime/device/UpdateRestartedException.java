// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import java.io.IOException;

/**
 * The agent dropped the update in progress and began it again from the payload start, because
 * it could not resume in place (a torn ECC unit, docs/DEVICE.md). Not an error of the patch: the
 * transport sends again from {@link #resumeOffset()}.
 */
public final class UpdateRestartedException extends IOException {
    private final long resumeOffset;

    UpdateRestartedException(long resumeOffset, Throwable cause) {
        super("update restarted from patch offset " + resumeOffset + ": " + cause.getMessage(), cause);
        this.resumeOffset = resumeOffset;
    }

    /** The patch offset the agent now expects. */
    public long resumeOffset() {
        return resumeOffset;
    }
}
