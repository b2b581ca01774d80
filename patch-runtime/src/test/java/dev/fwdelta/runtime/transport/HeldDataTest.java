// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The selective-repeat hold ring: its bounds, range merging, and bytes handed back in order. */
class HeldDataTest {
    private static final byte[] STREAM = new byte[5000];

    static {
        new Random(1).nextBytes(STREAM);
    }

    private static boolean hold(HeldData h, long expected, int from, int to) {
        return h.hold(expected, from, STREAM, from, to - from);
    }

    @Test
    void theRingAndTheRangesAreBounded() {
        HeldData h = new HeldData(400);
        assertFalse(hold(h, 0, 0, 10), "the next expected byte itself is applied, not held");
        assertFalse(hold(h, 0, 395, 401), "ends past expected + capacity");
        assertTrue(hold(h, 0, 390, 400));
        for (int i = 0; i < HeldData.MAX_RANGES - 1; i++) {
            assertTrue(hold(h, 0, 10 + 20 * i, 15 + 20 * i));
        }
        assertEquals(HeldData.MAX_RANGES, h.ranges());
        assertFalse(hold(h, 0, 375, 380), "one more disjoint range is not kept");
        assertTrue(hold(h, 0, 15, 30), "one that joins two ranges is");
        assertEquals(HeldData.MAX_RANGES - 1, h.ranges());
        assertEquals(10, h.start(0));
        assertEquals(35, h.end(0));
        assertThrows(IllegalArgumentException.class, () -> new HeldData(0));
        assertThrows(IllegalArgumentException.class, () -> new HeldData(0x10000));
    }

    @Test
    void framesInAnyOrderComeOutAsTheStreamAcrossTheRingWrap() throws Exception {
        // 7-byte frames sent in a shuffled order within windows of 9 frames over a 64-byte ring:
        // whatever is held is handed on in order, wrapping many times.
        HeldData h = new HeldData(64);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Random r = new Random(2);
        long expected = 0;
        int kept = 0;
        while (expected < STREAM.length) {
            long base = expected;
            int[] order = new int[9];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i : order) {
                int from = (int) Math.min(STREAM.length, base + 7L * i);
                int to = Math.min(STREAM.length, from + 7);
                if (from == expected && to > from) {
                    out.write(STREAM, from, to - from);
                    expected = to;
                    while (h.ranges() > 0 && h.start(0) <= expected) {
                        expected = h.release(expected, out::write);
                    }
                } else if (to > from && hold(h, expected, from, to)) {
                    kept++;
                }
            }
        }
        assertTrue(kept > 100, kept + " frames held");
        assertArrayEquals(STREAM, out.toByteArray());
    }
}
