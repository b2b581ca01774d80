// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import dev.fwdelta.tool.diff.AlignmentScanner.Run;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the covers of bsdiff's scan that cost more in the patch than the new bytes they cover would
 * as extra bytes, and merges those bytes into the record before. bsdiff takes any alignment that
 * beats the current one by a few bytes; in new code (releases far apart) many such covers are
 * short, with few equal bytes, and each brings a record (its lengths and seek) and diff bytes that
 * are mostly non-zero: LZMA codes those worse than the plain bytes, whose own context it knows.
 *
 * <p>The cost is an estimate in bits of what the compressed patch spends, per byte kind. The
 * weights were chosen by measuring whole patches on every corpus pair (docs/bench/README.md,
 * "Dropping costly covers"): the set kept is the smallest in total and geometric mean of those
 * tried, and makes no pair bigger. Trimming a kept cover's ends into extra bytes was tried too: it
 * made the pairs where new code dominates bigger, so a cover is kept whole or dropped whole.
 */
final class CostlyCoverDropper {
    private CostlyCoverDropper() {}

    /** An extra byte of new code: LZMA's literal coder gets new code to about 6.5 bits a byte. */
    static final double EXTRA_BYTE_BITS = 6.5;
    /** A diff byte where old and new differ: close to a random byte's 8 bits (7 measured best). */
    static final double CHANGED_BYTE_BITS = 7;
    /** The start of a stretch of changed diff bytes: LZMA leaves its long run of zeros there. */
    static final double CHANGE_START_BITS = 12;
    /** A zero diff byte, inside LZMA's long matches of zeros: almost free. */
    static final double EQUAL_BYTE_BITS = 0.05;
    /**
     * A record: its diff length, extra length and seek, which LZMA codes poorly (a seek is close to
     * random). The weight that decides most: larger drops more covers, and past the value kept
     * small pairs grow (see the measurements).
     */
    static final double RECORD_BITS = 48;

    /**
     * The runs with costly covers merged into the extra bytes of the run before, and runs without
     * diff bytes merged likewise (they would only cost a record). The runs must be contiguous in
     * the new image, as the scan makes them; the first is always kept, having nothing before it.
     */
    static List<Run> drop(List<Run> runs, byte[] old, byte[] neu) {
        List<Run> kept = new ArrayList<>(runs.size());
        for (Run r : runs) {
            int cover = r.diffLen();
            if (!kept.isEmpty() && (cover == 0 || coverBits(old, r.oldStart(), neu, r.newStart(), cover)
                    + RECORD_BITS > EXTRA_BYTE_BITS * cover)) {
                Run before = kept.remove(kept.size() - 1);
                kept.add(new Run(before.newStart(), before.oldStart(), before.diffLen(),
                        before.extraLen() + cover + r.extraLen()));
            } else {
                kept.add(r);
            }
        }
        return kept;
    }

    /** The estimated bits of the diff bytes of new[n, n + len) against old[o, o + len). */
    static double coverBits(byte[] old, int o, byte[] neu, int n, int len) {
        double bits = 0;
        boolean changing = false;
        for (int i = 0; i < len; i++) {
            if (old[o + i] != neu[n + i]) {
                bits += changing ? CHANGED_BYTE_BITS : CHANGED_BYTE_BITS + CHANGE_START_BITS;
                changing = true;
            } else {
                bits += EQUAL_BYTE_BITS;
                changing = false;
            }
        }
        return bits;
    }
}
