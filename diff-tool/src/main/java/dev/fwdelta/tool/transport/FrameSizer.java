// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

/**
 * Picks the DATA payload size from the errors seen so far, as ZMODEM shrinks its blocks on a
 * noisy line and grows them back. The line's error rate per byte is estimated from the bytes sent
 * and the frames lost (a go-back or a timeout), both halved every {@link #HALF_LIFE_BYTES} so
 * that old errors fade; the size is the one that maximises the expected goodput
 * {@code n / (n + h) * (1 - e)^(n + h)} for {@code h} bytes of framing per frame, which is
 * {@code n = (sqrt(h^2 + 4h/e) - h) / 2}, kept in {@code [MIN_PAYLOAD, max]}.
 */
final class FrameSizer {
    /** Patch bytes per frame at the least: below it the framing costs more than a lost frame. */
    static final int MIN_PAYLOAD = 16;
    /** Line bytes after which the counts are halved. */
    static final long HALF_LIFE_BYTES = 16 * 1024;

    private final int max;
    private final int framing;
    private double lineBytes;
    private double errors;

    /** @param max the largest payload; @param framing the line bytes each frame adds to it */
    FrameSizer(int max, int framing) {
        if (max < MIN_PAYLOAD || framing <= 0) {
            throw new IllegalArgumentException("max " + max + " must be >= " + MIN_PAYLOAD + ", framing > 0");
        }
        this.max = max;
        this.framing = framing;
    }

    /** A frame of {@code payload} patch bytes arrived. */
    void delivered(int payload) {
        count(payload);
    }

    /** A frame of {@code payload} patch bytes was lost (the device said so, or it never answered). */
    void lost(int payload) {
        errors++;
        count(payload);
    }

    private void count(int payload) {
        lineBytes += payload + framing;
        if (lineBytes > HALF_LIFE_BYTES) {
            lineBytes /= 2;
            errors /= 2;
        }
    }

    /** The payload size for the next frame. */
    int payload() {
        if (errors == 0) {
            return max;
        }
        double e = errors / Math.max(lineBytes, 1);
        double h = framing;
        double best = (Math.sqrt(h * h + 4 * h / e) - h) / 2;
        return (int) Math.max(MIN_PAYLOAD, Math.min(max, best));
    }
}
