// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.util.Arrays;

/**
 * Suffix array construction by induced sorting (SA-IS, Nong, Zhang and Chan 2009), in the form
 * of Mori's sais: suffix types are worked out from the text where needed instead of kept in an
 * array, and the sign of a slot says whether the induction still has to visit it.
 *
 * <p>Every SA-IS level reads bytes. The reduced problem (one name per LMS substring) is sorted
 * by SA-IS again when its names fit in a byte, which is what repetitive texts give; otherwise by
 * {@link PrefixDoubling}, which is what firmware gives: a third as many LMS substrings as bytes,
 * most of them unique, so a few doubling rounds settle the order. Keeping ints out of the SA-IS
 * loops keeps them byte-only for the JIT: the same loops reading through an abstraction over
 * bytes and ints ran slower once both kinds had passed through them. The price: a reduced
 * problem with many names and long repeats costs O(m log m) doubling instead of linear time, so
 * a text of one small random block repeated many times sorts slower than with SA-IS at every
 * level (docs/bench, "SA-IS on bytes only").
 *
 * <p>Memory, for an n-byte input: the n+1 ints of the result, n/8 bytes marking the LMS
 * positions, 512 ints of buckets, and the reduced problem: one int per LMS position (at most
 * n/2, on firmware about n/3), plus one int per distinct name while doubling sorts it, or a byte
 * per LMS position and the same scratch again for that shorter text when SA-IS does. Its order
 * is built in the result array. The input is read in place, not copied to ints.
 */
public final class SuffixArray {
    /** Names beyond this many do not fit a byte, and go to prefix doubling. */
    private static final int BYTE_NAMES = 256;

    private SuffixArray() {}

    /**
     * The order bsdiff searches: {@code n + 1} entries, entry 0 is {@code n} (the empty suffix
     * sorts first), then the suffixes of {@code text} in lexicographic order of unsigned bytes.
     */
    public static int[] bsdiffOrder(byte[] text) {
        int n = text.length;
        int[] sa = new int[n + 1];
        if (n > 0) {
            // The sort leaves the empty suffix implicit; it goes in front afterwards.
            sort(text, sa);
            System.arraycopy(sa, 0, sa, 1, n);
        }
        sa[0] = n;
        return sa;
    }

    /**
     * Sorts the suffixes of {@code t} into {@code sa[0..n)}, which must hold zeros, as if an
     * implicit symbol smaller than every byte followed the text. Uses no slot of sa past n.
     */
    private static void sort(byte[] t, int[] sa) {
        int n = t.length;
        long[] lms = new long[(n >>> 6) + 1];
        int[] counts = new int[256];
        int m = markLms(t, lms, counts);
        int[] bucket = new int[256];
        seedLms(t, sa, lms, counts, bucket);
        induce(t, sa, counts, bucket);
        if (m == 0) {
            // A non-increasing text: the implicit end alone induced every suffix in order.
            return;
        }
        gatherLms(sa, n, lms);
        int names = nameLmsSubstrings(t, sa, m, lms);
        int[] reduced = reducedString(sa, m, lms);
        sortReduced(reduced, sa, m, names);
        toTextPositions(sa, m, lms, reduced);
        placeSortedLms(t, sa, m, counts, bucket);
        induce(t, sa, counts, bucket);
    }

    /**
     * Sets a bit for every LMS position (an S-type suffix right after an L-type one), counts the
     * bytes on the same pass, and returns the number of LMS positions. Suffix n-1 is L-type (the
     * implicit end is smaller); the implicit end itself is LMS but has no bit, as it has no slot.
     * The type is worked out without branches: on binary data it is a coin toss.
     */
    private static int markLms(byte[] t, long[] lms, int[] counts) {
        int n = t.length;
        int m = 0;
        int nextIsS = 0;
        int next = t[n - 1] & 0xFF;
        counts[next]++;
        long bits = 0;
        for (int i = n - 2; i >= 0; i--) {
            int c = t[i] & 0xFF;
            counts[c]++;
            int isS = ((c - next) >>> 31) | (((c ^ next) - 1) >>> 31 & nextIsS);
            int nextIsLms = nextIsS & ~isS;
            int p = i + 1;
            bits |= (long) nextIsLms << p;
            m += nextIsLms;
            if ((p & 63) == 0) {
                lms[p >>> 6] = bits;
                bits = 0;
            }
            nextIsS = isS;
            next = c;
        }
        lms[0] = bits;
        return m;
    }

    /** Stage 1: the LMS positions at the ends of their buckets, in text order. */
    private static void seedLms(byte[] t, int[] sa, long[] lms, int[] counts, int[] bucket) {
        bucketEnds(counts, bucket);
        for (int w = 0; w < lms.length; w++) {
            for (long bits = lms[w]; bits != 0; bits &= bits - 1) {
                int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                sa[--bucket[t[p] & 0xFF]] = p;
            }
        }
    }

    /**
     * Induces the L-type suffixes from the placed ones left to right, then the S-type suffixes
     * right to left. A slot holds a suffix, or 0 when empty (suffix 0 induces nothing either). A
     * suffix p is stored as ~p when the pass that places it must not induce from it, because its
     * predecessor has the other type; each pass flips the bits of what it passes over, so that
     * the L pass leaves positive exactly the slots the S pass induces from, and the S pass leaves
     * none negative. The mark is computed without a branch, for the same reason as in markLms;
     * whether a slot is to be visited at all stays a branch, which measured faster.
     */
    private static void induce(byte[] t, int[] sa, int[] counts, int[] bucket) {
        int n = t.length;
        bucketStarts(counts, bucket);
        int last = t[n - 1] & 0xFF;
        sa[bucket[last]++] = n > 1 && (t[n - 2] & 0xFF) < last ? ~(n - 1) : n - 1;
        for (int i = 0; i < n; i++) {
            int j = sa[i];
            sa[i] = ~j;
            if (j > 0) {
                int p = j - 1;
                int c = t[p] & 0xFF;
                int before = t[Math.max(p - 1, 0)] & 0xFF;
                int beforeIsS = (-p >>> 31) & ((before - c) >>> 31);
                sa[bucket[c]++] = p ^ -beforeIsS;
            }
        }
        bucketEnds(counts, bucket);
        for (int i = n - 1; i >= 0; i--) {
            int j = sa[i];
            if (j > 0) {
                int p = j - 1;
                int c = t[p] & 0xFF;
                int before = t[Math.max(p - 1, 0)] & 0xFF;
                int beforeIsLOrNone = ((p - 1) >>> 31) | ((c - before) >>> 31);
                sa[--bucket[c]] = p ^ -beforeIsLOrNone;
            } else {
                sa[i] = ~j;
            }
        }
    }

    /** Moves the LMS positions, now sorted by their LMS substrings, to sa[0..m), without branches. */
    private static void gatherLms(int[] sa, int n, long[] lms) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int p = sa[i];
            sa[k] = p;
            k += (int) (lms[p >>> 6] >>> p) & 1;
        }
    }

    /**
     * Names the LMS substrings in sorted order, equal ones alike, and stores the name (from 1)
     * of position p at sa[m + p/2]: LMS positions are at least two apart, so these slots are
     * distinct and all past the sorted list. Returns how many names there are.
     */
    private static int nameLmsSubstrings(byte[] t, int[] sa, int m, long[] lms) {
        int names = 0;
        int previous = 0;
        int previousLength = 0;
        for (int i = 0; i < m; i++) {
            int p = sa[i];
            int length = lmsSubstringLength(lms, p);
            if (length != previousLength || !sameBytes(t, p, previous, length)) {
                names++;
            }
            previous = p;
            previousLength = length;
            sa[m + (p >>> 1)] = names;
        }
        return names;
    }

    /**
     * The length of the LMS substring at p, both LMS ends included, read off the bitmap (the
     * substrings are short, the bitmap small, and a table of lengths would be read at random);
     * -1 for the last one, which runs into the implicit end and so equals no other.
     */
    private static int lmsSubstringLength(long[] lms, int p) {
        int from = p + 1;
        int w = from >>> 6;
        long bits = lms[w] & (-1L << from);
        while (bits == 0) {
            if (++w == lms.length) {
                return -1;
            }
            bits = lms[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(bits) - p + 1;
    }

    /** Equal bytes suffice: equal LMS substrings of equal length have equal types too. */
    private static boolean sameBytes(byte[] t, int a, int b, int length) {
        for (int d = 0; d < length; d++) {
            if (t[a + d] != t[b + d]) {
                return false;
            }
        }
        return true;
    }

    /** The names of the LMS substrings in text order, from 0: the reduced problem. */
    private static int[] reducedString(int[] sa, int m, long[] lms) {
        int[] reduced = new int[m];
        int r = 0;
        for (int w = 0; w < lms.length; w++) {
            for (long bits = lms[w]; bits != 0; bits &= bits - 1) {
                int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                reduced[r++] = sa[m + (p >>> 1)] - 1;
            }
        }
        return reduced;
    }

    /** Stage 2: the order of the reduced string's suffixes into sa[0..m). */
    private static void sortReduced(int[] reduced, int[] sa, int m, int names) {
        if (names == m) {
            for (int i = 0; i < m; i++) {
                sa[reduced[i]] = i;
            }
        } else if (names <= BYTE_NAMES) {
            byte[] small = new byte[m];
            for (int i = 0; i < m; i++) {
                small[i] = (byte) reduced[i];
            }
            Arrays.fill(sa, 0, m, 0);
            sort(small, sa);
        } else {
            PrefixDoubling.sort(reduced, m, names, sa);
        }
    }

    /** Turns the reduced order (indices of LMS positions) into text positions; reuses reduced. */
    private static void toTextPositions(int[] sa, int m, long[] lms, int[] reduced) {
        int r = 0;
        for (int w = 0; w < lms.length; w++) {
            for (long bits = lms[w]; bits != 0; bits &= bits - 1) {
                reduced[r++] = (w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        for (int i = 0; i < m; i++) {
            sa[i] = reduced[sa[i]];
        }
    }

    /**
     * Stage 3: the sorted LMS suffixes at the ends of their buckets, from the largest down, so
     * that none is overwritten before it moves (each lands at or after its index in the list).
     */
    private static void placeSortedLms(byte[] t, int[] sa, int m, int[] counts, int[] bucket) {
        Arrays.fill(sa, m, t.length, 0);
        bucketEnds(counts, bucket);
        for (int i = m - 1; i >= 0; i--) {
            int p = sa[i];
            sa[i] = 0;
            sa[--bucket[t[p] & 0xFF]] = p;
        }
    }

    private static void bucketStarts(int[] counts, int[] bucket) {
        int sum = 0;
        for (int c = 0; c < bucket.length; c++) {
            bucket[c] = sum;
            sum += counts[c];
        }
    }

    private static void bucketEnds(int[] counts, int[] bucket) {
        int sum = 0;
        for (int c = 0; c < bucket.length; c++) {
            sum += counts[c];
            bucket[c] = sum;
        }
    }
}
