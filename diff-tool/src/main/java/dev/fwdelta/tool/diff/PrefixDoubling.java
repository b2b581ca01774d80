// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

/**
 * Suffix sorting by prefix doubling (Larsson and Sadakane 2007), for the reduced problems of
 * {@link SuffixArray}: strings of ints where most symbols are unique, so that one or two rounds
 * sort nearly everything and later rounds only touch the few suffixes still tied. Each round
 * costs the number of suffixes still tied, and a tie that lasts through a repeat of length L
 * takes log L rounds, hence O(m log m) at worst.
 *
 * <p>Suffixes that share their first h symbols form a group, and every suffix's rank is the
 * index of its group's last slot in the order, so comparing ranks compares h-prefixes. A round
 * sorts each unsettled group by the rank h symbols on, which orders the 2h-prefixes. Settled
 * slots are skipped in runs: the first slot of a run holds minus its length.
 */
final class PrefixDoubling {
    /** Groups this small are split by selection: fewer moves than partitioning. */
    private static final int SMALL_GROUP = 6;

    private PrefixDoubling() {}

    /**
     * Sorts the suffixes of {@code s[0..m)} (symbols 0..alphabet-1, every one of them used, and
     * an implicit smallest symbol after the last) into {@code order[0..m)}. Overwrites s with
     * the suffixes' ranks; allocates one int per symbol.
     */
    static void sort(int[] s, int m, int alphabet, int[] order) {
        int[] rank = s;
        sortByFirstSymbol(s, m, alphabet, order);
        for (int h = 1; order[0] != -m; h <<= 1) {
            int k = 0;
            int settled = 0;
            while (k < m) {
                int first = order[k];
                if (first < 0) {
                    settled -= first;
                    k -= first;
                } else {
                    if (settled > 0) {
                        order[k - settled] = -settled;
                        settled = 0;
                    }
                    int end = rank[first] + 1;
                    refine(rank, order, k, end, h, m);
                    k = end;
                }
            }
            if (settled > 0) {
                order[m - settled] = -settled;
            }
        }
        for (int i = 0; i < m; i++) {
            order[rank[i]] = i;
        }
    }

    /** The first round, by counting: groups by first symbol, and the single ones settled. */
    private static void sortByFirstSymbol(int[] s, int m, int alphabet, int[] order) {
        int[] next = new int[alphabet];
        for (int i = 0; i < m; i++) {
            next[s[i]]++;
        }
        int sum = 0;
        for (int c = 0; c < alphabet; c++) {
            int count = next[c];
            next[c] = sum;
            sum += count;
        }
        for (int i = 0; i < m; i++) {
            order[next[s[i]]++] = i;
        }
        // next[c] is now the end of symbol c's group.
        for (int i = 0; i < m; i++) {
            s[i] = next[s[i]] - 1;
        }
        int settled = 0;
        int start = 0;
        for (int c = 0; c < alphabet; c++) {
            int end = next[c];
            if (end - start == 1) {
                settled++;
            } else if (settled > 0) {
                order[start - settled] = -settled;
                settled = 0;
            }
            start = end;
        }
        if (settled > 0) {
            order[m - settled] = -settled;
        }
    }

    /** The rank h symbols on; past the end, below every rank. */
    private static int key(int[] rank, int i, int h, int m) {
        return i + h < m ? rank[i + h] : -1;
    }

    /**
     * Splits the group order[lo..hi) by key, three ways around a pivot. Each part takes its new
     * rank at once, so the ranks stay consistent whichever part is split next; the smaller part
     * is split by recursion, the larger by the loop, which bounds the depth by log m.
     */
    private static void refine(int[] rank, int[] order, int lo, int hi, int h, int m) {
        if (hi - lo == 2) {
            refinePair(rank, order, lo, h, m);
            return;
        }
        while (hi - lo > SMALL_GROUP) {
            int pivot = key(rank, order[(lo + hi) >>> 1], h, m);
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i < gt) {
                int v = order[i];
                int k = key(rank, v, h, m);
                if (k < pivot) {
                    order[i++] = order[lt];
                    order[lt++] = v;
                } else if (k > pivot) {
                    order[i] = order[--gt];
                    order[gt] = v;
                } else {
                    i++;
                }
            }
            if (lt == lo && gt == hi) {
                return;
            }
            assign(rank, order, lo, lt);
            assign(rank, order, lt, gt);
            assign(rank, order, gt, hi);
            if (lt - lo < hi - gt) {
                if (lt - lo > 1) {
                    refine(rank, order, lo, lt, h, m);
                }
                lo = gt;
            } else {
                if (hi - gt > 1) {
                    refine(rank, order, gt, hi, h, m);
                }
                hi = lt;
            }
            if (hi - lo < 2) {
                return;
            }
        }
        selectionRefine(rank, order, lo, hi, h, m);
    }

    /** The commonest group on firmware: two suffixes, settled or still tied. */
    private static void refinePair(int[] rank, int[] order, int lo, int h, int m) {
        int a = order[lo];
        int b = order[lo + 1];
        int ka = key(rank, a, h, m);
        int kb = key(rank, b, h, m);
        if (ka == kb) {
            return;
        }
        rank[ka < kb ? a : b] = lo;
        rank[ka < kb ? b : a] = lo + 1;
        order[lo] = -2;
    }

    /** Splits off the smallest-keyed members of order[lo..hi), one subgroup at a time. */
    private static void selectionRefine(int[] rank, int[] order, int lo, int hi, int h, int m) {
        while (lo < hi) {
            int end = lo + 1;
            int min = key(rank, order[lo], h, m);
            for (int i = lo + 1; i < hi; i++) {
                int k = key(rank, order[i], h, m);
                if (k < min) {
                    min = k;
                    swap(order, i, lo);
                    end = lo + 1;
                } else if (k == min) {
                    swap(order, i, end++);
                }
            }
            assign(rank, order, lo, end);
            lo = end;
        }
    }

    /** Makes order[lo..hi) a group: its last slot as everyone's rank, settled if alone. */
    private static void assign(int[] rank, int[] order, int lo, int hi) {
        if (lo == hi) {
            return;
        }
        for (int j = lo; j < hi; j++) {
            rank[order[j]] = hi - 1;
        }
        if (hi - lo == 1) {
            order[lo] = -1;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
