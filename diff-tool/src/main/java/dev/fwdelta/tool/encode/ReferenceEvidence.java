// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A relocation map read from the references themselves rather than from bsdiff's alignment: where
 * a reference in a diff run changed, its old and new targets say where that target went. bsdiff
 * may align a region with look-alike content elsewhere (tables, padding); the references know
 * where it really went. The references of one {@link Architecture} are read at a time: read
 * together, each would take the other's code for noise. Runs of targets with the same shift become entries;
 * if there are more than fit, those backed by the most references are kept.
 */
final class ReferenceEvidence {
    private ReferenceEvidence() {}

    /**
     * The maps the evidence gives (two when the entries must be cut down, see {@link MapReducer}),
     * or none. {@code base} is the link address (pointers), or -1 for calls only.
     */
    static List<RelocationMap> maps(Architecture arch, byte[] old, byte[] neu, DiffRuns runs, long base,
                             int maxEntries) {
        int step = arch.step();
        // packed (old target, shift), see sample(); read in parts side by side (a pass over
        // every diff byte of a large image), the order lost in the sort anyway
        long[] samples = LongList.sorted(runs.scanInParts(LongList::new, (part, oldPos, newPos, len) -> {
            Architecture.Samples into = (a, b) -> sample(a, b, old, neu, part);
            for (long p = oldPos + step - 1 & -step; p + 4 <= oldPos + len; p += step) {
                arch.read(old, neu, (int) p, (int) (newPos + p - oldPos), base, into);
            }
        }));
        return samples.length == 0 ? List.of() : entries(samples, old.length, maxEntries);
    }

    /**
     * Records that old offset a went to new offset b, if both lie in their images. Packed as one
     * long, a in the high half and the shift b - a offset by 2^31 in the low half (images are
     * under 2 GiB, so both fit): sorting the longs sorts by target, then shift.
     */
    private static boolean sample(long a, long b, byte[] old, byte[] neu, LongList samples) {
        if (a >= 0 && a < old.length && b >= 0 && b < neu.length) {
            samples.add(a << 32 | (b - a + SHIFT_BIAS));
            return true;
        }
        return false;
    }

    private static final long SHIFT_BIAS = 1L << 31;

    /** The maps these samples give: one if all entries fit, else cut down both ways of {@link MapReducer}. */
    private static List<RelocationMap> entries(long[] sortedSamples, long oldSize, int maxEntries) {
        List<long[]> entries = new ArrayList<>(); // {start, shift, references}
        for (long packed : sortedSamples) {
            long target = packed >>> 32;
            long shift = (packed & 0xFFFFFFFFL) - SHIFT_BIAS;
            long[] last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (last != null && last[1] == shift) {
                last[2]++;
            } else if (last == null || target > last[0]) {
                entries.add(new long[] {target, shift, 1});
            }
        }
        RelocationMap merged = MapReducer.reduce(entries, oldSize, maxEntries);
        RelocationMap heaviest = MapReducer.heaviest(entries, oldSize, maxEntries);
        return entries.size() <= maxEntries ? List.of(merged) : List.of(merged, heaviest);
    }
}
