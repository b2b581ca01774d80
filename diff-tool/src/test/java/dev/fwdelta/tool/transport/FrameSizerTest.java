// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frame size follows the error rate: full frames on a clean line, small ones on a noisy one, and back. */
class FrameSizerTest {
    private static final int MAX = 1020;
    private static final int FRAMING = 15;

    /** Feeds frames of the size the sizer picks through a line that breaks each byte with probability p. */
    private static FrameSizer run(FrameSizer s, double p, int frames, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < frames; i++) {
            int n = s.payload();
            boolean ok = true;
            for (int b = 0; b < n + FRAMING && ok; b++) {
                ok = r.nextDouble() >= p;
            }
            if (ok) {
                s.delivered(n);
            } else {
                s.lost(n);
            }
        }
        return s;
    }

    @Test
    void aCleanLineKeepsFullFrames() {
        assertEquals(MAX, run(new FrameSizer(MAX, FRAMING), 0, 100, 1).payload());
    }

    @Test
    void theFirstFramesStartSmallAndDoubleWhileDelivered() {
        FrameSizer s = new FrameSizer(MAX, FRAMING);
        assertEquals(FrameSizer.FIRST_PAYLOAD, s.payload());
        s.delivered(s.payload());
        assertEquals(2 * FrameSizer.FIRST_PAYLOAD, s.payload());
        s.delivered(s.payload());
        assertEquals(MAX, s.payload());
    }

    @Test
    void noiseShrinksTheFramesTowardsTheBestSize() {
        // Best payload for 0.15% and 1.5% per byte with 15 bytes of framing: 93 and 25 bytes.
        int mid = run(new FrameSizer(MAX, FRAMING), 0.0015, 2000, 2).payload();
        assertTrue(mid >= 45 && mid <= 190, "0.15% per byte: " + mid);
        int high = run(new FrameSizer(MAX, FRAMING), 0.015, 2000, 3).payload();
        assertTrue(high >= FrameSizer.MIN_PAYLOAD && high <= 50, "1.5% per byte: " + high);
    }

    @Test
    void framesGrowBackWhenTheLineIsCleanAgain() {
        FrameSizer s = run(new FrameSizer(MAX, FRAMING), 0.015, 500, 4);
        int noisy = s.payload();
        run(s, 0, 800, 5);
        assertTrue(s.payload() > 4 * noisy, noisy + " -> " + s.payload());
    }

    @Test
    void everyFrameLostGivesSmallFramesNeverBelowTheMinimum() {
        FrameSizer s = new FrameSizer(MAX, FRAMING);
        for (int i = 0; i < 100; i++) {
            s.lost(s.payload());
        }
        assertTrue(s.payload() >= FrameSizer.MIN_PAYLOAD && s.payload() < 32, "payload " + s.payload());
    }
}
