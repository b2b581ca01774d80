package dev.fwdelta.tool.diff;

import java.util.Arrays;

/**
 * Suffix array construction by induced sorting (SA-IS, Nong, Zhang and Chan 2009): linear time,
 * in contrast to the O(n log n) qsufsort that bsdiff and jbsdiff use by default.
 */
public final class SuffixArray {
    private SuffixArray() {}

    /**
     * The order bsdiff searches: {@code n + 1} entries, entry 0 is {@code n} (the empty suffix
     * sorts first), then the suffixes of {@code text} in lexicographic order of unsigned bytes.
     */
    public static int[] bsdiffOrder(byte[] text) {
        int n = text.length;
        // Shift bytes to 1..256 and end with a unique smallest sentinel 0: its suffix is the
        // empty suffix, which lands in slot 0 exactly as bsdiff wants.
        int[] s = new int[n + 1];
        for (int i = 0; i < n; i++) {
            s[i] = (text[i] & 0xFF) + 1;
        }
        int[] sa = new int[n + 1];
        sais(s, sa, n + 1, 257);
        return sa;
    }

    /** Sorts the suffixes of {@code s[0..n)}; {@code s[n-1]} must be a unique smallest symbol 0. */
    private static void sais(int[] s, int[] sa, int n, int alphabet) {
        if (n == 1) {
            sa[0] = 0;
            return;
        }
        boolean[] sType = classify(s, n);
        int[] bucket = new int[alphabet];

        // Stage 1: sort the LMS substrings by induction.
        Arrays.fill(sa, 0, n, -1);
        bucketEnds(s, n, bucket);
        for (int i = 1; i < n; i++) {
            if (isLms(sType, i)) {
                sa[--bucket[s[i]]] = i;
            }
        }
        induce(s, sa, n, sType, bucket);

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
            sais(reduced, reducedSa, lmsCount, names);
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
        bucketEnds(s, n, bucket);
        for (int i = lmsCount - 1; i >= 0; i--) {
            int pos = reduced[reducedSa[i]];
            sa[--bucket[s[pos]]] = pos;
        }
        induce(s, sa, n, sType, bucket);
    }

    private static boolean[] classify(int[] s, int n) {
        boolean[] sType = new boolean[n];
        sType[n - 1] = true;
        for (int i = n - 2; i >= 0; i--) {
            sType[i] = s[i] < s[i + 1] || (s[i] == s[i + 1] && sType[i + 1]);
        }
        return sType;
    }

    private static boolean isLms(boolean[] sType, int i) {
        return i > 0 && sType[i] && !sType[i - 1];
    }

    private static boolean sameLmsSubstring(int[] s, boolean[] sType, int a, int b) {
        for (int d = 0; ; d++) {
            if (s[a + d] != s[b + d] || sType[a + d] != sType[b + d]) {
                return false;
            }
            if (d > 0 && (isLms(sType, a + d) || isLms(sType, b + d))) {
                return true;
            }
        }
    }

    /** Induces L-type suffixes left to right, then S-type suffixes right to left. */
    private static void induce(int[] s, int[] sa, int n, boolean[] sType, int[] bucket) {
        bucketStarts(s, n, bucket);
        for (int i = 0; i < n; i++) {
            int j = sa[i] - 1;
            if (j >= 0 && !sType[j]) {
                sa[bucket[s[j]]++] = j;
            }
        }
        bucketEnds(s, n, bucket);
        for (int i = n - 1; i >= 0; i--) {
            int j = sa[i] - 1;
            if (j >= 0 && sType[j]) {
                sa[--bucket[s[j]]] = j;
            }
        }
    }

    private static void bucketStarts(int[] s, int n, int[] bucket) {
        count(s, n, bucket);
        int sum = 0;
        for (int c = 0; c < bucket.length; c++) {
            int size = bucket[c];
            bucket[c] = sum;
            sum += size;
        }
    }

    private static void bucketEnds(int[] s, int n, int[] bucket) {
        count(s, n, bucket);
        int sum = 0;
        for (int c = 0; c < bucket.length; c++) {
            sum += bucket[c];
            bucket[c] = sum;
        }
    }

    private static void count(int[] s, int n, int[] bucket) {
        Arrays.fill(bucket, 0);
        for (int i = 0; i < n; i++) {
            bucket[s[i]]++;
        }
    }
}
