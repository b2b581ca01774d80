// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Map sizes tried besides the budget's own where the budget, not the format, limits the map
     * ({@link #smallerMaps}). One grid for every budget: a larger budget tries every size a
     * smaller one tried, each beside a larger window, and its own larger map.
     */
    private static final int[] SMALLER_MAP_ENTRIES = {32, 64, 128};

    /**
     * The smaller maps worth a try beside the map a RAM budget plans ({@link #entriesWithin}),
     * where that map takes RAM the codec's window needs: where the budget cuts the map short,
     * and where LZMA fits only with a window below the compatible one. There each entry takes 8
     * bytes from the window and costs bytes of map section, and which of them pays depends on the
     * pair: giving the map every byte the codec left made a patch grow with the budget (docs/bench,
     * "The map's size where the budget limits it"). None where the map has all the entries the
     * format allows beside a compatible window, the default budget among them: its patches stay
     * as they were.
     */
    static int[] smallerMaps(long ramBudget, Codec codec) {
        int entries = entriesWithin(ramBudget, codec);
        boolean shortWindow = decoderBesideMap(ramBudget, codec) == besideMap(codec);
        if (entries >= Limits.MAX_MAP_ENTRIES - 1 && !shortWindow) {
            return new int[0];
        }
        return Arrays.stream(SMALLER_MAP_ENTRIES).filter(n -> n < entries).toArray();
    }

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
        long room = ramBudget - decoderBesideMap(ramBudget, codec);
        return (int) Math.max(0, Math.min(Limits.MAX_MAP_ENTRIES, room / Limits.MAP_ENTRY_BYTES) - 1);
    }

    /** The decoder RAM the map is planned beside ({@link #entriesWithin}). */
    private static long decoderBesideMap(long ramBudget, Codec codec) {
        Codec family = codec == null ? Codec.LZMA : codec;
        if (family == Codec.LZMA || family == Codec.SPLIT) {
            long compatible = CodecCandidates.compatibleBudget(family);
            if (compatible <= ramBudget) {
                return compatible;
            }
            if (besideMap(codec) <= ramBudget) {
                return besideMap(codec);
            }
        }
        return CodecCandidates.minimumBudget(codec);
    }

    /** LZMA's (or split's, when asked for) decoder RAM with {@link #WINDOW_BESIDE_MAP}; none for the other codecs. */
    private static long besideMap(Codec codec) {
        Codec family = codec == null ? Codec.LZMA : codec;
        return family == Codec.LZMA || family == Codec.SPLIT
                ? family.decoderRam(WINDOW_BESIDE_MAP, Codec.lzmaProps(0, 0, 0)) : -1;
    }
}
