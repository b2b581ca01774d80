// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds the address an image is linked at, so that absolute pointers can be re-aimed
 * (docs/FORMAT.md 2.3). Evidence: an aligned word in a diff run that changed by d, where map
 * entries with shift d exist, is a pointer into one of those entries' ranges if the base is
 * right; each such word allows an interval of bases. Of the bases nearly as many words agree on
 * as on the best one, the roundest wins (link addresses are aligned).
 */
final class LinkAddressFinder {
    /** Fewer agreeing words than this is no evidence of a link address. */
    static final int MIN_AGREEING_WORDS = 16;
    private static final long MAX_POINTER_CHANGE = 1 << 24;

    private LinkAddressFinder() {}

    static OptionalLong find(byte[] old, byte[] neu, DiffRuns runs, RelocationMap map) {
        long[] starts = map.starts();
        long[] shifts = map.shifts();
        // Which entries have a given shift: a changed word is checked against those only, found
        // by binary search over the distinct shifts (no boxing: this runs once per changed word).
        // Plain loops: a stream per shift cost more to start than the lookups they prepare.
        long[] distinct = distinctSorted(shifts);
        int[][] entriesByShift = new int[distinct.length][];
        int[] count = new int[distinct.length];
        for (long shift : shifts) {
            count[Arrays.binarySearch(distinct, shift)]++;
        }
        for (int k = 0; k < distinct.length; k++) {
            entriesByShift[k] = new int[count[k]];
            count[k] = 0;
        }
        for (int i = 0; i < shifts.length; i++) {
            int k = Arrays.binarySearch(distinct, shifts[i]);
            entriesByShift[k][count[k]++] = i;
        }
        // Each event is base * 2 + 1 where an interval opens, base * 2 where one closed before
        // base: sorted as plain longs, a close comes before an open at the same base. The words
        // are read in parts side by side (a pass over every diff byte of a large image).
        long[] sorted = LongList.sorted(runs.scanInParts(LongList::new, (events, oldPos, newPos, len) -> {
            for (long p = oldPos + 3 & ~3L; p + 4 <= oldPos + len; p += 4) {
                long vo = LittleEndian.u32(old, (int) p);
                long d = LittleEndian.u32(neu, (int) (newPos + p - oldPos)) - vo;
                int k = d != 0 && Math.abs(d) < MAX_POINTER_CHANGE ? Arrays.binarySearch(distinct, d) : -1;
                if (k >= 0) {
                    addIntervals(vo, entriesByShift[k], starts, old.length, events);
                }
            }
        }));
        List<long[]> regions = new ArrayList<>(); // {lo, hi, depth}
        int depth = 0;
        int best = 0;
        for (int i = 0; i + 1 < sorted.length; i++) {
            depth += (sorted[i] & 1) == 1 ? 1 : -1;
            long lo = sorted[i] >> 1;
            long hi = (sorted[i + 1] >> 1) - 1;
            if (hi >= lo && depth >= MIN_AGREEING_WORDS) {
                regions.add(new long[] {lo, hi, depth});
                best = Math.max(best, depth);
            }
        }
        // Near the best agreement, prefer the roundest base: a few chance agreements should not
        // move the base off the real link address.
        long chosen = -1;
        long chosenDepth = 0;
        for (long[] r : regions) {
            if (r[2] * 10 < best * 9L) {
                continue;
            }
            long v = roundest(r[0], r[1]);
            int zeros = Long.numberOfTrailingZeros(v);
            int chosenZeros = chosen < 0 ? -1 : Long.numberOfTrailingZeros(chosen);
            if (zeros > chosenZeros || (zeros == chosenZeros && r[2] > chosenDepth)) {
                chosen = v;
                chosenDepth = r[2];
            }
        }
        return chosen < 0 ? OptionalLong.empty() : OptionalLong.of(chosen);
    }

    private static long[] distinctSorted(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** Bases at which old value vo points into one of these entries: vo - base in [start, end). */
    private static void addIntervals(long vo, int[] entries, long[] starts, long oldSize, LongList events) {
        for (int i : entries) {
            long end = i + 1 < starts.length ? starts[i + 1] : oldSize;
            long lo = Math.max(0, vo - end + 1);
            long hi = vo - starts[i];
            if (hi >= lo) {
                events.add(lo * 2 + 1);
                events.add((hi + 1) * 2);
            }
        }
    }

    /** The value in [lo, hi] with the most trailing zero bits. */
    static long roundest(long lo, long hi) {
        for (int k = 32; k > 0; k--) {
            long step = 1L << k;
            long v = (lo + step - 1) / step * step;
            if (v <= hi) {
                return v;
            }
        }
        return lo;
    }
}
