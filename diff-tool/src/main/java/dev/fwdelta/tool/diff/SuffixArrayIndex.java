// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

/**
 * bsdiff's search: binary search over the old image's suffix array, always the longest match.
 * Costs 4 bytes per old byte and, on a 3.5 MB image, longer to build than Debian's whole bsdiff
 * run takes; worth it on firmware-sized images, where every byte of patch counts.
 */
public final class SuffixArrayIndex implements MatchIndex {
    private final byte[] old;
    private final int[] sa;

    public SuffixArrayIndex(byte[] old, int[] suffixArray) {
        this.old = old;
        this.sa = suffixArray;
    }

    public static SuffixArrayIndex of(byte[] old) {
        return new SuffixArrayIndex(old, SuffixArray.bsdiffOrder(old));
    }

    @Override
    public byte[] old() {
        return old;
    }

    /** The hint is not needed: the longest match is found wherever it is. */
    @Override
    public int longest(byte[] neu, int at, int to, int hint, int[] pos) {
        int lo = 0;
        int hi = sa.length - 1;
        int loLen = MatchIndex.matchLength(old, sa[lo], neu, at, to);
        int hiLen = MatchIndex.matchLength(old, sa[hi], neu, at, to);
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            // Both ends share min(loLen, hiLen) bytes with the key, and so does every suffix
            // between them: the comparison starts after that common prefix.
            int skip = Math.min(loLen, hiLen);
            int m = sa[mid];
            int l = skip + MatchIndex.matchLength(old, m + skip, neu, at + skip, to);
            boolean oldSmaller = m + l >= old.length
                    || (at + l < to && (old[m + l] & 0xFF) < (neu[at + l] & 0xFF));
            if (at + l >= to) {
                pos[0] = m;
                return l;
            }
            if (oldSmaller) {
                lo = mid;
                loLen = l;
            } else {
                hi = mid;
                hiLen = l;
            }
        }
        if (loLen >= hiLen) {
            pos[0] = sa[lo];
            return loLen;
        }
        pos[0] = sa[hi];
        return hiLen;
    }
}
