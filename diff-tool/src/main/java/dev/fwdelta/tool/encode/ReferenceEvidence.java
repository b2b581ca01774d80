package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A relocation map read from the references themselves rather than from bsdiff's alignment: where
 * a pointer word or a Thumb BL of a diff run changed, its old and new targets say where that
 * target went. bsdiff may align a region with look-alike content elsewhere (tables, padding);
 * the references know where it really went. Runs of targets with the same shift become entries;
 * if there are more than fit, those backed by the most references are kept.
 */
final class ReferenceEvidence {
    private ReferenceEvidence() {}

    /** The map, or null with no evidence. {@code base} is the link address (pointers), or -1 for BL calls only. */
    static RelocationMap map(byte[] old, byte[] neu, List<DeltaRecord> records, long base, int maxEntries) {
        List<long[]> samples = new ArrayList<>(); // {old target, shift}
        long oldPos = 0;
        long newPos = 0;
        for (DeltaRecord r : records) {
            int len = r.diff().length;
            for (long p = oldPos + 1 & ~1L; p + 4 <= oldPos + len; p += 2) {
                int o = (int) p;
                int n = (int) (newPos + p - oldPos);
                if (base >= 0 && (p & 3) == 0) {
                    long a = LittleEndian.u32(old, o) - base;
                    long b = LittleEndian.u32(neu, n) - base;
                    if (a >= 0 && a < old.length && b >= 0 && b < neu.length) {
                        samples.add(new long[] {a, b - a});
                        continue;
                    }
                }
                if (RelocatedOldImage.isThumbBl(old, o) && RelocatedOldImage.isThumbBl(neu, n)) {
                    long a = p + 4 + RelocatedOldImage.thumbBlOffset(old, o);
                    long b = n + 4 + RelocatedOldImage.thumbBlOffset(neu, n);
                    if (a >= 0 && a < old.length && b >= 0 && b < neu.length) {
                        samples.add(new long[] {a, b - a});
                    }
                }
            }
            newPos += len + r.extra().length;
            oldPos += len + r.seek();
        }
        if (samples.isEmpty()) {
            return null;
        }
        samples.sort(Comparator.comparingLong((long[] s) -> s[0]).thenComparingLong(s -> s[1]));
        List<long[]> entries = new ArrayList<>(); // {start, shift, references}
        for (long[] s : samples) {
            long[] last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (last != null && last[1] == s[1]) {
                last[2]++;
            } else if (last == null || s[0] > last[0]) {
                entries.add(new long[] {s[0], s[1], 1});
            }
        }
        if (entries.size() > maxEntries) {
            entries.sort(Comparator.comparingLong((long[] e) -> -e[2]).thenComparingLong(e -> e[0]));
            entries = new ArrayList<>(entries.subList(0, maxEntries));
            entries.sort(Comparator.comparingLong(e -> e[0]));
        }
        return new RelocationMap(0, RelocationMap.THUMB_BL, entries.stream().mapToLong(e -> e[0]).toArray(),
                entries.stream().mapToLong(e -> e[1]).toArray(), old.length);
    }
}
