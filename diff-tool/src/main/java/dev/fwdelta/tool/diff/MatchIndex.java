// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.util.Arrays;

/**
 * Finds where a stretch of the new image occurs in the old one, for {@link AlignmentScanner}.
 * Two answers to the same question at different prices: {@link SuffixArrayIndex} always finds the
 * longest match (bsdiff's search), {@link HashIndex} tries the current alignment and one earlier
 * occurrence of the next eight bytes, at a fraction of the cost.
 */
public interface MatchIndex {
    /**
     * A long match for new[at, to) in the old image: returns its length and puts its old position
     * into {@code pos[0]}. {@code hint} is where the current alignment puts {@code at} in the old
     * image (possibly outside it); an index may try it first.
     */
    int longest(byte[] neu, int at, int to, int hint, int[] pos);

    /** The old image this index searches. */
    byte[] old();

    /** How many bytes old[o..] and neu[n, to) have in common; 0 when either position is past its end. */
    static int matchLength(byte[] old, int o, byte[] neu, int n, int to) {
        if (o < 0 || o >= old.length || n >= to) {
            return 0;
        }
        int m = Arrays.mismatch(old, o, old.length, neu, n, to);
        return m < 0 ? Math.min(old.length - o, to - n) : m;
    }
}
