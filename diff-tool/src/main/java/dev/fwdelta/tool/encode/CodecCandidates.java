// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * The codec settings worth trying within a decoder RAM budget: for each codec, the largest
 * window whose decoder_ram (FORMAT.md 4) still fits.
 */
public final class CodecCandidates {
    /** lzma literal/position settings tried: lc (literal context bits), lp, pb (2 = 4-byte aligned code). */
    private static final int[][] LZMA_SETTINGS = {{0, 0, 2}, {1, 0, 2}, {2, 0, 2}, {0, 2, 2}, {3, 0, 2}, {0, 0, 0}};

    private CodecCandidates() {}

    /** Candidates for one codec, or for all codecs when {@code codec} is null. Empty if none fits. */
    public static List<BlockCompressor> within(long ramBudget, Codec codec) {
        List<BlockCompressor> out = new ArrayList<>();
        for (Codec c : codec == null ? Codec.values() : new Codec[] {codec}) {
            addCandidates(c, ramBudget, out);
        }
        // A window below the compatible one only where none reaches it: older appliers refuse
        // such windows, and a budget that fits a compatible window makes the same patches as before.
        if (out.stream().anyMatch(c -> isLzma(c) && c.window() >= LzmaCompressor.COMPATIBLE_WINDOW)) {
            out.removeIf(c -> isLzma(c) && c.window() < LzmaCompressor.COMPATIBLE_WINDOW);
        }
        return out;
    }

    private static boolean isLzma(BlockCompressor c) {
        return c.codec() == Codec.LZMA || c.codec() == Codec.SPLIT;
    }

    /**
     * The smallest RAM budget in which {@code codec} (LZMA or split) fits with a window of at
     * least {@link LzmaCompressor#COMPATIBLE_WINDOW}.
     */
    static long compatibleBudget(Codec codec) {
        return codec.decoderRam(LzmaCompressor.COMPATIBLE_WINDOW, Codec.lzmaProps(0, 0, 2));
    }

    /** One codec's candidates: an exhaustive switch, so a new codec does not compile without its own. */
    private static void addCandidates(Codec codec, long ramBudget, List<BlockCompressor> out) {
        switch (codec) {
            case NONE -> {
                if (Codec.NONE.decoderRam(0, 0) <= ramBudget) {
                    out.add(new StoredCompressor());
                }
            }
            case LZ77 -> {
                long room = Math.min(ramBudget - Limits.APPLIER_BASE_RAM, Limits.MAX_LZ77_WINDOW);
                if (room >= Limits.MIN_LZ77_WINDOW) {
                    out.add(new Lz77Compressor(Integer.highestOneBit((int) room)));
                }
            }
            case LZMA, SPLIT -> {
                for (int[] s : LZMA_SETTINGS) {
                    long dict = lzmaDictionary(codec, Codec.lzmaProps(s[0], s[1], s[2]), ramBudget);
                    if (dict >= Limits.MIN_LZMA_WINDOW) {
                        out.add(codec == Codec.LZMA ? new LzmaCompressor((int) dict, s[0], s[1], s[2])
                                : new SplitCompressor((int) dict, s[0], s[1], s[2]));
                    }
                }
            }
        }
    }

    /** The largest LZMA dictionary that fits the budget with the codec's tables, a multiple of 256. */
    private static long lzmaDictionary(Codec codec, int props, long ramBudget) {
        long tables = codec.decoderRam(0, props);
        // Rounded down to a multiple of 256: simpler to state, no loss to speak of.
        return Math.min((ramBudget - tables) & ~0xFFL, Limits.MAX_LZMA_DICT);
    }

    /** The smallest RAM budget any setting of {@code codec} (or any codec, null) fits in. */
    public static long minimumBudget(Codec codec) {
        if (codec == null) {
            return Codec.NONE.decoderRam(0, 0);
        }
        return switch (codec) {
            case NONE -> Codec.NONE.decoderRam(0, 0);
            case LZ77 -> Codec.LZ77.decoderRam(Limits.MIN_LZ77_WINDOW, 0);
            case LZMA, SPLIT -> codec.decoderRam(Limits.MIN_LZMA_WINDOW, Codec.lzmaProps(0, 0, 2));
        };
    }
}
