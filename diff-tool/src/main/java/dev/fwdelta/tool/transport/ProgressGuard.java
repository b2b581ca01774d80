// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;

/**
 * Ends a transfer that no longer moves on (docs/PROTOCOL.md, "Reconnects"). Lost links and
 * restarts count against one limit, and the count starts again whenever the acknowledged offset
 * passes the highest it has reached; data frames sent since the acknowledged offset last grew
 * count against another. A long transfer on a noisy line keeps moving its offset on, so neither
 * limit ends it; a device that keeps answering while nothing moves on (restarting at the same
 * byte, or breaking every frame) is given up on. The web page's ProgressGuard (web/src/progress.js)
 * applies the same rule.
 */
final class ProgressGuard {
    private final String device;
    private final int maxSetbacks;
    private final long maxFramesWithoutProgress;
    private long highest = -1;
    private long acked = -1;
    private long framesAtGrowth;
    private int reconnects;
    private int restarts;

    /**
     * @param device how errors name the device
     * @param maxSetbacks lost links and restarts allowed since the offset last passed its highest
     * @param maxFramesWithoutProgress data frames allowed since the acknowledged offset last grew
     */
    ProgressGuard(String device, int maxSetbacks, long maxFramesWithoutProgress) {
        this.device = device;
        this.maxSetbacks = maxSetbacks;
        this.maxFramesWithoutProgress = maxFramesWithoutProgress;
    }

    /** The device's acknowledged offset is now {@code offset}, with {@code framesSent} data frames sent so far. */
    void acknowledged(long offset, long framesSent) {
        if (offset > acked) {
            framesAtGrowth = framesSent;
        }
        acked = offset;
        if (offset > highest) {
            highest = offset;
            reconnects = 0;
            restarts = 0;
        }
    }

    /** Before another data frame: throws once as many as allowed went without the offset growing. */
    void beforeData(long framesSent) throws IOException {
        if (framesSent - framesAtGrowth >= maxFramesWithoutProgress) {
            throw new IOException(device + " made no progress in " + maxFramesWithoutProgress
                    + " data frames: nothing acknowledged past offset " + acked);
        }
    }

    /** The link was lost ({@code why}): throws if that is one setback too many. */
    void lostLink(String why, Throwable cause) throws IOException {
        reconnects++;
        check(why, true, cause);
    }

    /** The device restarted the update at {@code offset}: throws if that is one setback too many. */
    void restarted(long offset) throws IOException {
        restarts++;
        check(device + " restarted the update at offset " + offset, false, null);
    }

    private void check(String why, boolean lostLink, Throwable cause) throws IOException {
        if (reconnects + restarts <= maxSetbacks) {
            return;
        }
        // What was allowed before this one, which ends the transfer.
        int r = lostLink ? reconnects - 1 : reconnects;
        int s = lostLink ? restarts : restarts - 1;
        String allowed;
        if (r > 0 && s > 0) {
            allowed = r + " reconnects and " + s + " restarts";
        } else if (r > 0 || (s == 0 && lostLink)) {
            allowed = r + " reconnects";
        } else {
            allowed = s + " restarts";
        }
        throw new IOException(why + " (gave up after " + allowed + ")", cause);
    }
}
