// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import java.util.Arrays;

/**
 * Suffix array construction by induced sorting (SA-IS, Nong, Zhang and Chan 2009): linear time,
 * in contrast to the O(n log n) qsufsort that bsdiff and jbsdiff use by default.
 *
 * <p>Memory, for an n-byte input: the n+1 ints of the result, n bytes of suffix types, two ints
 * per symbol of each level's alphabet (counts and bucket pointers), and the reduced problem (at
 * most n/2 names and their order, n/2 ints each in the worst case, usually far fewer). The input is read in place, not copied to ints: on a 3.5 MB image that copy was
 * 14 MB, a third of the diff's peak heap.
 */
public final class SuffixArray {
    private SuffixArray() {}

    /** The string being sorted: symbol at position i, of 0..alphabet-1; the last one is a unique 0. */
    private interface Text {
        int at(int i);
    }

    /**
     * The order bsdiff searches: {@code n + 1} entries, entry 0 is {@code n} (the empty suffix
     * sorts first), then the suffixes of {@code text} in lexicographic order of unsigned bytes.
     */
    public static int[] bsdiffOrder(byte[] text) {
        int n = text.length;
        // Bytes read as 1..256, ending with a unique smallest sentinel 0 at n: its suffix is the
        // empty suffix, which lands in slot 0 exactly as bsdiff wants.
        Text s = i -> i < n ? (text[i] & 0xFF) + 1 : 0;
        int[] sa = new int[n + 1];
        sais(s, sa, n + 1, 257);
        return sa;
    }

    /** Sorts the suffixes of {@code s[0..n)}; {@code s[n-1]} must be a unique smallest symbol 0. */
    private static void sais(Text s, int[] sa, int n, int alphabet) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        byte[] sType = classify(s, n);
        int[] counts = count(s, n, alphabet);
        int[] bucket = new int[alphabet];

        // Stage 1: sort the LMS substrings by induction.
        Arrays.fill(sa, 0, n, -1);
        bucketEnds(counts, bucket);
        for (int i = 1; i < n; i++) {
            if (isLms(sType, i)) {
                sa[--bucket[s.at(i)]] = i;
            }
        }
        induce(s, sa, n, sType, counts, bucket);

        // Compact the sorted LMS positions, then name each distinct LMS substring.
        int lmsCount = 0;
        for (int i = 0; i < n; i++) {
            if (isLms(sType, sa[i])) {
                sa[lmsCount++] = sa[i];
            }
        }
        Arrays.fill(sa, lmsCount, n, -1);
        int names = 0;
        int previous = -1;
        for (int i = 0; i < lmsCount; i++) {
            int pos = sa[i];
            if (previous < 0 || !sameLmsSubstring(s, sType, pos, previous)) {
                names++;
                previous = pos;
            }
            sa[lmsCount + pos / 2] = names - 1;
        }
        int[] reduced = new int[lmsCount];
        for (int i = n - 1, j = lmsCount - 1; i >= lmsCount; i--) {
            if (sa[i] >= 0) {
                reduced[j--] = sa[i];
            }
        }

        // Stage 2: order of the LMS suffixes, recursively if names repeat.
        int[] reducedSa = new int[lmsCount];
        if (names < lmsCount) {
            sais(i -> reduced[i], reducedSa, lmsCount, names);
        } else {
            for (int i = 0; i < lmsCount; i++) {
                reducedSa[reduced[i]] = i;
            }
        }

        // Stage 3: put the sorted LMS suffixes at their bucket ends and induce the rest.
        for (int i = 1, j = 0; i < n; i++) {
            if (isLms(sType, i)) {
                reduced[j++] = i;
            }
        }
        Arrays.fill(sa, 0, n, -1);
        bucketEnds(counts, bucket);
        for (int i = lmsCount - 1; i >= 0; i--) {
            int pos = reduced[reducedSa[i]];
            sa[--bucket[s.at(pos)]] = pos;
        }
        induce(s, sa, n, sType, counts, bucket);
    }

    /**
     * Suffix types, a byte each (a bit each was slower: the induction reads them at random): 1
     * for S-type (smaller than the suffix after it), 0 for L-type.
     */
    private static byte[] classify(Text s, int n) {
        byte[] sType = new byte[n];
        sType[n - 1] = 1;
        int next = s.at(n - 1);
        boolean nextS = true;
        for (int i = n - 2; i >= 0; i--) {
            int c = s.at(i);
            boolean isS = c < next || (c == next && nextS);
            if (isS) {
                sType[i] = 1;
            }
            next = c;
            nextS = isS;
        }
        return sType;
    }

    private static boolean isS(byte[] t, int i) {
        return t[i] != 0;
    }

    private static boolean isLms(byte[] sType, int i) {
        return i > 0 && sType[i] != 0 && sType[i - 1] == 0;
    }

    private static boolean sameLmsSubstring(Text s, byte[] sType, int a, int b) {
        for (int d = 0; ; d++) {
            if (s.at(a + d) != s.at(b + d) || isS(sType, a + d) != isS(sType, b + d)) {
                return false;
            }
            if (d > 0 && (isLms(sType, a + d) || isLms(sType, b + d))) {
                return true;
            }
        }
    }

    /** Induces L-type suffixes left to right, then S-type suffixes right to left. */
    private static void induce(Text s, int[] sa, int n, byte[] sType, int[] counts, int[] bucket) {
        bucketStarts(counts, bucket);
        for (int i = 0; i < n; i++) {
            int j = sa[i] - 1;
            if (j >= 0 && !isS(sType, j)) {
                sa[bucket[s.at(j)]++] = j;
            }
        }
        bucketEnds(counts, bucket);
        for (int i = n - 1; i >= 0; i--) {
            int j = sa[i] - 1;
            if (j >= 0 && isS(sType, j)) {
                sa[--bucket[s.at(j)]] = j;
            }
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

    /** How many times each symbol occurs: one pass, from which every bucket layout is made. */
    private static int[] count(Text s, int n, int alphabet) {
        int[] counts = new int[alphabet];
        for (int i = 0; i < n; i++) {
            counts[s.at(i)]++;
        }
        return counts;
    }
}
