// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuffixArrayIndexTest {
    /** The longest match of new[at, to) anywhere in old, by trying every position. */
    private static int bruteForce(byte[] old, byte[] neu, int at, int to) {
        int best = 0;
        for (int o = 0; o < old.length; o++) {
            best = Math.max(best, MatchIndex.matchLength(old, o, neu, at, to));
        }
        return best;
    }

    private static void check(byte[] old, byte[] neu) {
        SuffixArrayIndex index = SuffixArrayIndex.of(old);
        int[] pos = new int[1];
        for (int at = 0; at < neu.length; at++) {
            for (int to : new int[] {neu.length, Math.min(neu.length, at + 1), Math.min(neu.length, at + 3)}) {
                int len = index.longest(neu, at, to, -1, pos);
                assertEquals(bruteForce(old, neu, at, to), len, "length at " + at + " to " + to);
                assertArrayEquals(Arrays.copyOfRange(neu, at, at + len), Arrays.copyOfRange(old, pos[0], pos[0] + len),
                        "match at " + at);
            }
        }
    }

    @Test
    void findsTheLongestMatchFromEveryPosition() {
        Random r = new Random(5);
        for (int round = 0; round < 20; round++) {
            byte[] old = new byte[1 + r.nextInt(300)];
            byte[] neu = new byte[1 + r.nextInt(300)];
            int alphabet = 1 + r.nextInt(4) * 85; // from one byte value (long runs) to most of them
            for (int i = 0; i < old.length; i++) {
                old[i] = (byte) (0xFF - r.nextInt(alphabet)); // high bytes: the last two-byte prefixes
            }
            for (int i = 0; i < neu.length; i++) {
                neu[i] = r.nextInt(3) == 0 ? (byte) (0xFF - r.nextInt(alphabet)) : old[r.nextInt(old.length)];
            }
            check(old, neu);
        }
    }

    @Test
    void smallImages() {
        check(new byte[] {7}, new byte[] {7, 7, 8});
        check(new byte[] {(byte) 0xFF, (byte) 0xFF}, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        check(new byte[] {0, 0, 1}, new byte[] {0, 1, 0, 0});
    }
}
