// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.HashIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampledTrialTest {
    @Test
    void theSampleIsEveryKthBlockAndAboutTheSampleSize() {
        List<RawBlock> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            blocks.add(new RawBlock(new byte[64 * 1024], i * 64 * 1024L, 0, 64 * 1024));
        }
        List<RawBlock> sample = SampledTrial.sample(blocks);
        // 40 blocks of 64 KiB, 128 KiB wanted: every 20th, starting in the middle of the first stride
        assertEquals(2, sample.size());
        assertEquals(10 * 64 * 1024L, sample.get(0).newOffset());
        assertEquals(30 * 64 * 1024L, sample.get(1).newOffset());
        // 41 blocks: a stride of 21, so the sample stays within the size wanted
        blocks.add(new RawBlock(new byte[64 * 1024], 40 * 64 * 1024L, 0, 64 * 1024));
        assertEquals(List.of(blocks.get(10), blocks.get(31)), SampledTrial.sample(blocks));
    }

    @Test
    void theEstimateIsCloseToTheFullEncodingOnTheLargePair() {
        Corpus.Pair pair = Corpus.pair("libpython");
        // the large-image road: hash index, sparse records
        List<RawBlock> blocks = RecordBlocker.split(AlignmentScanner.diff(HashIndex.of(pair.oldBytes()),
                pair.newBytes(), AlignmentScanner.NEW_ALIGNMENT_MARGIN), BuildOptions.DEFAULT_MAX_BLOCK_RAW, true);
        LzmaCompressor lzma = new LzmaCompressor(8192, 0, 0, 0);
        long full = blocks.parallelStream().mapToLong(b -> lzma.compress(b.records()).length).sum();
        long estimate = SampledTrial.estimate(blocks, lzma);
        // the trial codec (match length 64) is larger, and a sample is a sample: within 35%
        assertTrue(Math.abs(estimate - full) < full * 0.35, "estimate " + estimate + ", full " + full);
    }
}
