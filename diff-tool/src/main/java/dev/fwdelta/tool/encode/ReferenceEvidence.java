package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.A64References;
import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.apply.XtensaCalls;
import dev.fwdelta.runtime.format.LittleEndian;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A relocation map read from the references themselves rather than from bsdiff's alignment: where
 * a reference in a diff run changed, its old and new targets say where that target went. bsdiff
 * may align a region with look-alike content elsewhere (tables, padding); the references know
 * where it really went. The references of one architecture are read at a time (Thumb BL calls
 * with 32-bit pointers, AArch64 branches and ADRP pairs with 64-bit pointers, or Xtensa calls
 * with 32-bit pointers): read together,
 * each would take the other's code for noise. Runs of targets with the same shift become entries;
 * if there are more than fit, those backed by the most references are kept.
 */
final class ReferenceEvidence {
    /** Which instruction set's references to read. */
    enum Arch { THUMB, A64, XTENSA }

    private ReferenceEvidence() {}

    /**
     * The maps the evidence gives (two when the entries must be cut down, see {@link MapReducer}),
     * or none. {@code base} is the link address (pointers), or -1 for calls only.
     */
    static List<RelocationMap> maps(Arch arch, byte[] old, byte[] neu, DiffRuns runs, long base,
                             int maxEntries) {
        // Xtensa instructions need no alignment: every byte may start a call
        int step = arch == Arch.THUMB ? 2 : arch == Arch.XTENSA ? 1 : 4;
        // packed (old target, shift), see sample(); read in parts side by side (a pass over
        // every diff byte of a large image), the order lost in the sort anyway
        long[] samples = LongList.sorted(runs.scanInParts(LongList::new, (part, oldPos, newPos, len) -> {
            for (long p = oldPos + step - 1 & -step; p + 4 <= oldPos + len; p += step) {
                int o = (int) p;
                int n = (int) (newPos + p - oldPos);
                switch (arch) {
                    case THUMB -> thumb(old, neu, o, n, base, part);
                    case A64 -> a64(old, neu, o, n, base, part);
                    case XTENSA -> xtensa(old, neu, o, n, base, part);
                }
            }
        }));
        return samples.length == 0 ? List.of() : entries(samples, old.length, maxEntries);
    }

    private static void thumb(byte[] old, byte[] neu, int o, int n, long base, LongList samples) {
        if (base >= 0 && (o & 3) == 0
                && sample(LittleEndian.u32(old, o) - base, LittleEndian.u32(neu, n) - base, old, neu, samples)) {
            return;
        }
        if (RelocatedOldImage.isThumbBl(old, o) && RelocatedOldImage.isThumbBl(neu, n)) {
            sample(o + 4 + RelocatedOldImage.thumbBlOffset(old, o), n + 4 + RelocatedOldImage.thumbBlOffset(neu, n),
                    old, neu, samples);
        }
    }

    /** A 32-bit pointer (aligned, with a link address), else a CALLn between two function starts. */
    private static void xtensa(byte[] old, byte[] neu, int o, int n, long base, LongList samples) {
        if (base >= 0 && (o & 3) == 0
                && sample(LittleEndian.u32(old, o) - base, LittleEndian.u32(neu, n) - base, old, neu, samples)) {
            return;
        }
        if (XtensaCalls.isCall(old[o]) && XtensaCalls.isCall(neu[n])) {
            long to = XtensaCalls.target(XtensaCalls.instruction(old, o), o);
            long tn = XtensaCalls.target(XtensaCalls.instruction(neu, n), n);
            if (to >= 0 && to + 2 <= old.length && tn >= 0 && tn + 2 <= neu.length
                    && XtensaCalls.startsFunction(old[(int) to], old[(int) to + 1])
                    && XtensaCalls.startsFunction(neu[(int) tn], neu[(int) tn + 1])) {
                sample(to, tn, old, neu, samples);
            }
        }
    }

    private static void a64(byte[] old, byte[] neu, int o, int n, long base, LongList samples) {
        if (base >= 0 && (o & 7) == 0 && o + 8 <= old.length && n + 8 <= neu.length
                && sample(LittleEndian.u64(old, o) - base, LittleEndian.u64(neu, n) - base, old, neu, samples)) {
            return;
        }
        int wo = LittleEndian.i32(old, o);
        int wn = LittleEndian.i32(neu, n);
        if (A64References.isBranch(wo) && A64References.isBranch(wn)) {
            sample(o + A64References.branchOffset(wo), n + A64References.branchOffset(wn), old, neu, samples);
        } else if (A64References.isAdrp(wo) && A64References.isAdrp(wn)) {
            long link = Math.max(base, 0);
            int po = A64References.partner(old, o, old.length);
            int pn = A64References.partner(neu, n, neu.length);
            if ((po < 0) == (pn < 0)) {
                sample(A64References.adrpTarget(old, o, po, link + o) - link,
                        A64References.adrpTarget(neu, n, pn, link + n) - link, old, neu, samples);
            }
        }
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
