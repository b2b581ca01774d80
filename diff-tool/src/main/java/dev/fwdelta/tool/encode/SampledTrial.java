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

    /** Raw record bytes compressed per trial: a few blocks, enough to rank record kinds and views. */
    static final int SAMPLE_BYTES = 512 * 1024;
    /** For ranking lc/lp/pb settings, which differ by a percent or two: one block will do. */
    static final int CODEC_SAMPLE_BYTES = 128 * 1024;

    /** Every k-th block, k chosen so that the sample holds about {@link #SAMPLE_BYTES}. */
    static List<RawBlock> sample(List<RawBlock> blocks) {
        return sample(blocks, SAMPLE_BYTES);
    }

    static List<RawBlock> sample(List<RawBlock> blocks, int sampleBytes) {
        long raw = 0;
        for (RawBlock b : blocks) {
            raw += b.records().length;
        }
        long stride = Math.max(1, raw / sampleBytes);
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
        return estimate(blocks, codec, SAMPLE_BYTES);
    }

    static long estimate(List<RawBlock> blocks, BlockCompressor codec, int sampleBytes) {
        List<RawBlock> sample = sample(blocks, sampleBytes);
        long out = 0;
        long compressed = 0;
        for (RawBlock b : sample) {
            out += b.outLength();
        }
        BlockCompressor fast = codec.forTrial();
        compressed = sample.parallelStream().mapToLong(b -> fast.compress(b.records()).length).sum();
        long total = 0;
        for (RawBlock b : blocks) {
            total += b.outLength();
        }
        return out == 0 ? compressed : compressed * total / out;
    }
}
