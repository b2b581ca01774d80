// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RememberingIndexTest {
    /** An old image and a new one made from it: copies, edits and new bytes, as a release is. */
    private static byte[][] pair(long seed) {
        Random r = new Random(seed);
        byte[] old = new byte[20_000];
        for (int i = 0; i < old.length; i++) {
            old[i] = (byte) (r.nextInt(16) * 17); // a small alphabet: many long, repeated matches
        }
        byte[] neu = new byte[22_000];
        for (int at = 0; at < neu.length; ) {
            int n = Math.min(neu.length - at, 1 + r.nextInt(400));
            if (r.nextInt(4) == 0) {
                for (int i = 0; i < n; i++) {
                    neu[at + i] = (byte) r.nextInt(256);
                }
            } else {
                System.arraycopy(old, r.nextInt(old.length - n), neu, at, n);
            }
            at += n;
        }
        return new byte[][] {old, neu};
    }

    @Test
    void keptAnswersAreTheSuffixArraysAnswers() {
        byte[][] p = pair(7);
        SuffixArrayIndex plain = SuffixArrayIndex.of(p[0]);
        RememberingIndex kept = new RememberingIndex(plain, p[1]);
        int[] expected = new int[1];
        int[] got = new int[1];
        // Asked twice, the second time from what was kept; and asked again for a shorter stretch,
        // whose answer must not be the longer stretch's.
        for (int round = 0; round < 2; round++) {
            for (int at = 0; at < p[1].length; at += 3) {
                int to = round == 0 ? p[1].length : Math.min(p[1].length, at + 5);
                for (int ask = 0; ask < 2; ask++) {
                    int len = kept.longest(p[1], at, to, -1, got);
                    assertEquals(plain.longest(p[1], at, to, -1, expected), len, "length at " + at);
                    assertEquals(expected[0], got[0], "position at " + at);
                }
            }
        }
    }

    @Test
    void theScanMakesTheSameRecordsThroughIt() {
        byte[][] p = pair(11);
        SuffixArrayIndex plain = SuffixArrayIndex.of(p[0]);
        RememberingIndex kept = new RememberingIndex(plain, p[1]);
        for (int margin : new int[] {4, 6, 12, 4}) {
            assertEquals(AlignmentScanner.runs(plain, p[1], margin), AlignmentScanner.runs(kept, p[1], margin),
                    "margin " + margin);
        }
    }
}
