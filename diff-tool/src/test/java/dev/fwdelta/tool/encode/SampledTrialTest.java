package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.diff.SuffixMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampledTrialTest {
    @Test
    void theSampleIsEveryKthBlockAndAboutTheSampleSize() {
        List<RawBlock> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blocks.add(new RawBlock(new byte[64 * 1024], i * 64 * 1024L, 0, 64 * 1024));
        }
        List<RawBlock> sample = SampledTrial.sample(blocks);
        // 40 blocks of 64 KiB, 512 KiB wanted: every 5th, starting in the middle of the first stride
        assertEquals(8, sample.size());
        assertEquals(2 * 64 * 1024L, sample.get(0).newOffset());
        assertEquals(7 * 64 * 1024L, sample.get(1).newOffset());
    }

    @Test
    void theEstimateIsCloseToTheFullEncodingOnTheLargePair() {
        Corpus.Pair pair = Corpus.pair("libpython");
        List<RawBlock> blocks = RecordBlocker.split(SuffixMatcher.diff(pair.oldBytes(), pair.newBytes()),
                BuildOptions.DEFAULT_MAX_BLOCK_RAW);
        LzmaCompressor lzma = new LzmaCompressor(8192, 0, 0, 0);
        long full = blocks.parallelStream().mapToLong(b -> lzma.compress(b.records()).length).sum();
        long estimate = SampledTrial.estimate(blocks, lzma);
        // the trial codec (match length 64) is larger, and a sample is a sample: within 35%
        assertTrue(Math.abs(estimate - full) < full * 0.35, "estimate " + estimate + ", full " + full);
    }
}
