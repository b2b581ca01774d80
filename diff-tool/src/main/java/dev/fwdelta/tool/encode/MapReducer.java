// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Cuts a relocation map down to the entries the device's RAM allows. Entries go lightest first
 * (weight: the bytes or references an entry's shift is right for); a dropped entry's range falls
 * to its predecessor, and when that makes two neighbours with the same shift meet, they become
 * one entry, which frees a slot at no cost. Keeping the heaviest entries without that merge
 * wasted slots on runs split by a small region of another shift.
 */
final class MapReducer {
    private MapReducer() {}

    /**
     * The map of these entries ({start, shift, weight}, by increasing start, no two neighbours
     * with the same shift), at most {@code maxEntries} of them; null if there are none.
     */
    static RelocationMap reduce(List<long[]> entries, long oldSize, int maxEntries) {
        int n = entries.size();
        if (n == 0) {
            return null;
        }
        long[] start = new long[n];
        long[] shift = new long[n];
        long[] weight = new long[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] gone = new boolean[n];
        for (int i = 0; i < n; i++) {
            start[i] = entries.get(i)[0];
            shift[i] = entries.get(i)[1];
            weight[i] = entries.get(i)[2];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // {weight, start, index}: lightest first, ties to the earlier entry (deterministic);
        // an entry whose weight grew is queued again and its stale copy skipped
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int i = 0; i < n; i++) {
            queue.add(new long[] {weight[i], start[i], i});
        }
        int left = n;
        while (left > maxEntries) {
            long[] top = queue.poll();
            int i = (int) top[2];
            if (gone[i] || top[0] != weight[i]) {
                continue;
            }
            gone[i] = true;
            left--;
            int p = prev[i];
            int q = next[i];
            link(p, q, prev, next);
            if (p >= 0 && q >= 0 && shift[p] == shift[q]) {
                // the predecessor now runs on into q with q's shift: one entry does for both
                gone[q] = true;
                left--;
                weight[p] += weight[q];
                link(p, next[q], prev, next);
                queue.add(new long[] {weight[p], start[p], p});
            }
        }
        int kept = 0;
        long[] starts = new long[left];
        long[] shifts = new long[left];
        for (int i = 0; i < n; i++) {
            if (!gone[i]) {
                starts[kept] = start[i];
                shifts[kept++] = shift[i];
            }
        }
        return kept == 0 ? null : new RelocationMap(0, RelocationMap.THUMB_BL, starts, shifts, oldSize);
    }

    /**
     * The heaviest entries as they are, without merging: on libpython's reference evidence this
     * predicted more bytes than the merged map, and made the smaller patch; on esp8266's it
     * predicted fewer. Both are screened.
     */
    static RelocationMap heaviest(List<long[]> entries, long oldSize, int maxEntries) {
        List<long[]> kept = new ArrayList<>(entries);
        if (kept.size() > maxEntries) {
            kept.sort(Comparator.comparingLong((long[] e) -> -e[2]).thenComparingLong(e -> e[0]));
            kept = new ArrayList<>(kept.subList(0, maxEntries));
            kept.sort(Comparator.comparingLong(e -> e[0]));
        }
        return kept.isEmpty() ? null : new RelocationMap(0, RelocationMap.THUMB_BL,
                kept.stream().mapToLong(e -> e[0]).toArray(), kept.stream().mapToLong(e -> e[1]).toArray(), oldSize);
    }

    private static void link(int p, int q, int[] prev, int[] next) {
        if (p >= 0) {
            next[p] = q;
        }
        if (q >= 0) {
            prev[q] = p;
        }
    }
}
