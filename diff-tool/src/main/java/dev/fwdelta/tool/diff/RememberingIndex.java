// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.util.Arrays;

/**
 * A suffix array's answers for one new image, kept: the small-image search scans the same new
 * image against the same old one once per alignment margin, and most positions it asks about are
 * the same each time. The suffix array ignores the hint, so a kept answer is the answer.
 *
 * <p>Costs 12 bytes per new byte. Scans of one image may run side by side: each segment of the new
 * image is scanned by one thread ({@link AlignmentScanner}), and segments do not share positions.
 */
public final class RememberingIndex implements MatchIndex {
    private final SuffixArrayIndex index;
    private final byte[] neu;
    private final int[] length;
    private final int[] position;
    /** The end of the stretch each answer was asked for: an answer holds for that end only. */
    private final int[] end;

    public RememberingIndex(SuffixArrayIndex index, byte[] neu) {
        this.index = index;
        this.neu = neu;
        this.length = new int[neu.length];
        this.position = new int[neu.length];
        this.end = new int[neu.length];
        Arrays.fill(length, -1);
    }

    @Override
    public byte[] old() {
        return index.old();
    }

    @Override
    public int longest(byte[] neu, int at, int to, int hint, int[] pos) {
        if (neu != this.neu) {
            return index.longest(neu, at, to, hint, pos);
        }
        if (length[at] < 0 || end[at] != to) {
            length[at] = index.longest(neu, at, to, hint, pos);
            position[at] = pos[0];
            end[at] = to;
            return length[at];
        }
        pos[0] = position[at];
        return length[at];
    }
}
