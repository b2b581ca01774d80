// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts a payload's size from a sample of its blocks, so that a large image does not pay a
 * full compression for every codec setting and every relocated view it tries. The sample is
 * every k-th block, chosen from the block count alone (the same pair always gives the same patch).
 */
final class SampledTrial {
    private SampledTrial() {}

    /**
     * Raw record bytes compressed per trial, at most: two blocks. Sparse records are dense in
     * information (a tenth of kind 0's bytes on libpython), and the views and lc/lp/pb settings
     * a trial ranks differ by far more than a sample's error.
     */
    static final int SAMPLE_BYTES = 128 * 1024;

    /** Every k-th block, k chosen so that the sample holds at most about {@link #SAMPLE_BYTES}. */
    static List<RawBlock> sample(List<RawBlock> blocks) {
        long raw = 0;
        for (RawBlock b : blocks) {
            raw += b.records().length;
        }
        long stride = Math.max(1, (raw + SAMPLE_BYTES - 1) / SAMPLE_BYTES);
        List<RawBlock> out = new ArrayList<>();
        for (int i = (int) (stride / 2); i < blocks.size(); i += (int) stride) {
            out.add(blocks.get(i));
        }
        return out;
    }

    /**
     * The payload size the whole block list would reach with this codec: compressed bytes per
     * new-image byte of the sample, times the new image's size.
     */
    static long estimate(List<RawBlock> blocks, BlockCompressor codec) {
        List<RawBlock> sample = sample(blocks);
        long out = 0;
        long compressed;
        for (RawBlock b : sample) {
            out += b.outLength();
        }
        compressed = trialSize(sample, codec);
        long total = 0;
        for (RawBlock b : blocks) {
            total += b.outLength();
        }
        return out == 0 ? compressed : compressed * total / out;
    }

    /** The blocks compressed with the codec's trial setting ({@link BlockCompressor#forTrial}), on all cores. */
    static long trialSize(List<RawBlock> blocks, BlockCompressor codec) {
        BlockCompressor fast = codec.forTrial();
        return blocks.parallelStream().mapToLong(b -> fast.compressedSize(b.records())).sum();
    }
}
