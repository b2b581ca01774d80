// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the relocation map of a patch (docs/FORMAT.md 2.3) from bsdiff's own alignment: each
 * diff run maps old bytes to new ones at a shift. Consecutive runs with the same shift become one
 * entry; when there are more than fit, the entries covering the most bytes are kept (the others'
 * ranges fall to their predecessor: a worse prediction, never a wrong image).
 */
final class RelocationPlanner {
    private RelocationPlanner() {}

    /** The map's shift entries for these diff runs (transforms still to choose), or null if there are none. */
    static RelocationMap plan(DiffRuns diffRuns, long oldSize, int maxEntries) {
        List<long[]> runs = diffRuns.scan(new ArrayList<long[]>(), (out, oldPos, newPos, len) -> {
            if (len > 0) {
                out.add(new long[] {oldPos, len, newPos - oldPos}); // {oldStart, length, shift}
            }
        });
        runs.sort(Comparator.comparingLong(x -> x[0]));
        List<long[]> entries = new ArrayList<>(); // {start, shift, covered}
        for (long[] run : runs) {
            long[] last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (last != null && last[1] == run[2]) {
                last[2] += run[1];
            } else if (last == null || run[0] > last[0]) {
                entries.add(new long[] {run[0], run[2], run[1]});
            }
        }
        return MapReducer.reduce(entries, oldSize, maxEntries);
    }

    /**
     * The LZMA window a map leaves room for where no compatible window fits (LzmaCompressor.
     * COMPATIBLE_WINDOW): a larger map gives LZMA's short blocks too little window, a smaller
     * one loses the relocations (docs/bench, "LZMA windows below 4 KiB at small budgets").
     */
    static final int WINDOW_BESIDE_MAP = 1024;

    /**
     * Shift entries a RAM budget leaves room for (the prefix entry excluded), next to the smallest
     * decoder of the codecs the patch may use: LZMA's (or split's, when that codec is asked for)
     * with LzmaCompressor.COMPATIBLE_WINDOW when it fits (then only that codec family is tried);
     * else that codec's with {@link #WINDOW_BESIDE_MAP}, where LZMA's short blocks compete with
     * LZ77 and stored blocks; else the smallest of the codec asked for or of all codecs. Budgeting
     * next to LZMA whatever the codec left LZ77 and stored patches without a map below LZMA's
     * minimum: at --ram-budget 8192 pyb-release got 54,068 bytes (LZ77, no map) where stored
     * blocks with a map fit in 3,072 bytes and gave 37,870.
     */
    static int entriesWithin(long ramBudget, Codec codec) {
        long decoder = CodecCandidates.minimumBudget(codec);
        Codec family = codec == null ? Codec.LZMA : codec;
        if (family == Codec.LZMA || family == Codec.SPLIT) {
            long compatible = CodecCandidates.compatibleBudget(family);
            long besideMap = family.decoderRam(WINDOW_BESIDE_MAP, Codec.lzmaProps(0, 0, 0));
            decoder = compatible <= ramBudget ? compatible
                    : besideMap <= ramBudget ? besideMap : CodecCandidates.minimumBudget(codec);
        }
        long room = ramBudget - decoder;
        return (int) Math.max(0, Math.min(Limits.MAX_MAP_ENTRIES, room / Limits.MAP_ENTRY_BYTES) - 1);
    }
}
