// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A small image's relocated views tried in fast mode on a quarter of the new image: their records
 * cut to four fixed windows, one in the middle of each quarter, the same for every view and
 * margin, so that their trial sizes rank them as whole trials do. The sizes are scaled by what
 * the plain diff's whole and windowed trials say of the same codec ({@link #scales}), so that
 * they also compare with the plain diff's whole ones (docs/bench, "Views tried on a quarter of
 * the image"). The windows depend on the image's length alone: the same pair gives the same patch.
 *
 * <p>The plain diff's own trials stay whole: they choose lc/lp/pb, and each setting's window
 * (the dictionary left beside the literal tables) shows only over stretches longer than a window.
 */
final class TrialWindows {
    private TrialWindows() {}

    /** Windows: one in the middle of each quarter of the new image. */
    static final int WINDOWS = 4;

    /** Each window is this fraction of the new image (1/16: a quarter of the image in all). */
    static final int WINDOW_FRACTION = 16;

    /** Diffs with fewer record bytes than this are tried whole: a cut would save little. */
    static final long FROM_RAW_BYTES = 32 * 1024;

    /** {@code records} cut to the windows of a new image of {@code newLength} bytes, in order. */
    static List<DeltaRecord> cut(List<DeltaRecord> records, long newLength) {
        long width = newLength / WINDOW_FRACTION;
        long[] starts = new long[WINDOWS];
        for (int w = 0; w < WINDOWS; w++) {
            starts[w] = (2 * w + 1) * newLength / (2 * WINDOWS) - width / 2;
        }
        List<DeltaRecord> out = new ArrayList<>();
        long at = 0; // where the record's new bytes begin
        for (DeltaRecord r : records) {
            long diffEnd = at + r.diff().length;
            long end = diffEnd + r.extra().length;
            for (long start : starts) {
                long from = Math.max(start, at);
                long to = Math.min(start + width, end);
                if (from < to) {
                    out.add(new DeltaRecord(slice(r.diff(), from - at, to - at),
                            slice(r.extra(), from - diffEnd, to - diffEnd), to == end ? r.seek() : 0));
                }
            }
            at = end;
        }
        return out;
    }

    /** bytes[from, to) clipped to the array; empty where they do not meet. */
    private static byte[] slice(byte[] bytes, long from, long to) {
        int a = (int) Math.max(0, from);
        int b = (int) Math.min(bytes.length, to);
        return a < b ? Arrays.copyOfRange(bytes, a, b) : new byte[0];
    }

    /**
     * Of each codec among the plain diff's finalists, its whole fast-mode size over that of the
     * same trial on the windows; none when the plain diff has too few record bytes to be worth a
     * cut (its views are then tried whole).
     */
    static Map<Codec, Double> scales(List<DeltaRecord> records, List<Finalist> finalists, long newLength,
                                     BuildOptions options) {
        Map<Codec, Double> out = new EnumMap<>(Codec.class);
        List<DeltaRecord> windowed = cut(records, newLength);
        for (Finalist f : finalists) {
            Trial t = f.trial();
            if (t.rawBytes() < FROM_RAW_BYTES || out.containsKey(t.codec().codec())) {
                continue;
            }
            long cutSize = SampledTrial.trialSize(
                    RecordBlocker.split(windowed, t.codec().maxBlockRaw(options.maxBlockRaw()), t.sparse()), t.codec());
            if (cutSize > 0) {
                out.put(t.codec().codec(), (double) f.fastSize() / cutSize);
            }
        }
        return out;
    }
}
