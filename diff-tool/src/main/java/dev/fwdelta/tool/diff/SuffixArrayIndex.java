// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

/**
 * bsdiff's search: binary search over the old image's suffix array, always the longest match.
 * Costs 4 bytes per old byte and, on a 3.5 MB image, longer to build than Debian's whole bsdiff
 * run takes; worth it on firmware-sized images, where every byte of patch counts.
 *
 * <p>The search starts within the suffixes that begin with the key's first two bytes (a table of
 * where each two-byte prefix starts, 256 KiB): the first steps of a search over the whole array
 * are the ones that miss the cache. It ends where a search over the whole array ends: at the two
 * suffixes on either side of the key, or at the first suffix the whole key begins.
 */
public final class SuffixArrayIndex implements MatchIndex {
    private static final int PREFIXES = 1 << 16;

    private final byte[] old;
    private final int[] sa;
    /** Number of suffixes of two or more bytes whose first two bytes, big-endian, are below k. */
    private final int[] below;

    public SuffixArrayIndex(byte[] old, int[] suffixArray) {
        this.old = old;
        this.sa = suffixArray;
        this.below = new int[PREFIXES + 1];
        for (int i = 0; i + 1 < old.length; i++) {
            below[prefix(old, i) + 1]++;
        }
        for (int k = 0; k < PREFIXES; k++) {
            below[k + 1] += below[k];
        }
    }

    public static SuffixArrayIndex of(byte[] old) {
        return new SuffixArrayIndex(old, SuffixArray.bsdiffOrder(old));
    }

    @Override
    public byte[] old() {
        return old;
    }

    private static int prefix(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    /**
     * Where the suffixes beginning with two-byte prefix k start in the suffix array: after the
     * empty suffix (entry 0), the suffixes with smaller prefixes, and the one-byte suffix (the last
     * old byte), which sorts before every longer suffix that begins with its byte.
     */
    private int bucketStart(int k) {
        int oneByte = old.length > 0 && (old[old.length - 1] & 0xFF) <= k >>> 8 ? 1 : 0;
        return 1 + below[k] + oneByte;
    }

    /** The hint is not needed: the longest match is found wherever it is. */
    @Override
    public int longest(byte[] neu, int at, int to, int hint, int[] pos) {
        int lo = 0;
        int hi = sa.length - 1;
        if (at + 1 < to && old.length > 1) {
            // Both bounds outside the key's bucket: the one before sorts below the key, the one
            // after above it (the last entry when the bucket ends the array).
            int k = prefix(neu, at);
            lo = bucketStart(k) - 1;
            hi = Math.min(sa.length - 1, k + 1 < PREFIXES ? bucketStart(k + 1) : sa.length);
        }
        int loLen = MatchIndex.matchLength(old, sa[lo], neu, at, to);
        int hiLen = MatchIndex.matchLength(old, sa[hi], neu, at, to);
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            // Both ends share min(loLen, hiLen) bytes with the key, and so does every suffix
            // between them: the comparison starts after that common prefix.
            int skip = Math.min(loLen, hiLen);
            int m = sa[mid];
            int l = skip + MatchIndex.matchLength(old, m + skip, neu, at + skip, to);
            // A suffix the whole key begins sorts above the key: the search goes on below it, so
            // that it ends at the first such suffix, wherever it started.
            boolean oldSmaller = at + l < to
                    && (m + l >= old.length || (old[m + l] & 0xFF) < (neu[at + l] & 0xFF));
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
