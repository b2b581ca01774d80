// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

/**
 * The round trip of a frame, measured from the end of its write to the acknowledgement that
 * covers it: the smallest one seen (the path without queueing, which sizes the window) and a
 * smoothed one (RFC 6298 style, which sets the retransmission timeout). Milliseconds.
 */
final class RoundTrip {
    /** Before any measurement: long enough for a device that verifies or erases slowly. */
    static final double INITIAL_MS = 500;
    /** The least retransmission timeout: above the device's 50 ms quiet limit, and above a busy machine's pauses. */
    static final long MIN_TIMEOUT_MS = 500;

    private double smoothed = -1;
    private double variation;
    private double min = Double.MAX_VALUE;

    void sample(double ms) {
        if (ms < 0) {
            return;
        }
        min = Math.min(min, ms);
        if (smoothed < 0) {
            smoothed = ms;
            variation = ms / 2;
        } else {
            variation = 0.75 * variation + 0.25 * Math.abs(smoothed - ms);
            smoothed = 0.875 * smoothed + 0.125 * ms;
        }
    }

    boolean measured() {
        return smoothed >= 0;
    }

    /** The smallest round trip seen, or {@link #INITIAL_MS}. */
    double minMs() {
        return measured() ? min : INITIAL_MS;
    }

    /** A round trip that few answers exceed: the smoothed one and four times its variation. */
    double upperMs() {
        return measured() ? smoothed + 4 * variation : INITIAL_MS;
    }

    /** How long to wait for an answer after the last write before sending again. */
    long timeoutMs() {
        if (!measured()) {
            return (long) INITIAL_MS;
        }
        return Math.max(MIN_TIMEOUT_MS, Math.round(smoothed + 4 * variation + 60));
    }
}
