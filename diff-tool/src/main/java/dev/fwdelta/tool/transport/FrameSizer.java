// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

/**
 * Picks the DATA payload size from the errors seen so far, as ZMODEM shrinks its blocks on a
 * noisy line and grows them back. The line's error rate per byte is estimated from the bytes sent
 * and the frames lost (a go-back or a timeout), both halved every {@link #HALF_LIFE_BYTES} so
 * that old errors fade; the size is the one that maximises the expected goodput
 * {@code n / (n + h) * (1 - e)^(n + h)} for {@code h} bytes of framing per frame, which is
 * {@code n = (sqrt(h^2 + 4h/e) - h) / 2}, kept in {@code [MIN_PAYLOAD, max]}.
 *
 * <p>Before anything is known of the line the frames start at {@link #FIRST_PAYLOAD} bytes and
 * double with each one delivered (as TCP's slow start), so a noisy line does not lose its first
 * full frames before the first error is seen (at 0.15% of bytes broken a 1,035-byte frame is lost
 * four times in five), while a clean line reaches full frames after two, 0.1% more framing.
 */
final class FrameSizer {
    /** Patch bytes per frame at the least: below it the framing costs more than a lost frame. */
    static final int MIN_PAYLOAD = 16;
    /** Line bytes after which the counts are halved. */
    static final long HALF_LIFE_BYTES = 16 * 1024;
    /** The first frame's payload; each frame delivered doubles the limit, up to the maximum. */
    static final int FIRST_PAYLOAD = 256;

    private final int max;
    private final int framing;
    private double lineBytes;
    private double errors;
    private int limit;

    /** @param max the largest payload; @param framing the line bytes each frame adds to it */
    FrameSizer(int max, int framing) {
        if (max < MIN_PAYLOAD || framing <= 0) {
            throw new IllegalArgumentException("max " + max + " must be >= " + MIN_PAYLOAD + ", framing > 0");
        }
        this.max = max;
        this.framing = framing;
        this.limit = Math.min(max, FIRST_PAYLOAD);
    }

    /** A frame of {@code payload} patch bytes arrived. */
    void delivered(int payload) {
        limit = (int) Math.min(max, 2L * limit);
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

    /** A copy of the counts as they are now, to {@link #restore} later. */
    FrameSizer snapshot() {
        FrameSizer s = new FrameSizer(max, framing);
        s.restore(this);
        return s;
    }

    /** Takes the counts of {@code s} (a {@link #snapshot}): the losses counted since are forgotten. */
    void restore(FrameSizer s) {
        lineBytes = s.lineBytes;
        errors = s.errors;
        limit = s.limit;
    }

    /** The payload size for the next frame. */
    int payload() {
        if (errors == 0) {
            return limit;
        }
        double e = errors / Math.max(lineBytes, 1);
        double h = framing;
        double best = (Math.sqrt(h * h + 4 * h / e) - h) / 2;
        return (int) Math.max(MIN_PAYLOAD, Math.min(limit, best));
    }
}
