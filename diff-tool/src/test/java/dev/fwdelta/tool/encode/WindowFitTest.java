// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.StreamApply;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A patch asks the device for no larger a window than its blocks can use: a match reaches back no
 * further than its block's first byte, so a diff of a few KB needs no more dictionary than that,
 * whatever the RAM budget.
 */
class WindowFitTest {
    @Test
    void eachCodecFitsItsWindowToTheLongestBlockWithinTheFormatsRules() {
        LzmaCompressor lzma = new LzmaCompressor(7680, 0, 0, 2);
        assertEquals(LzmaCompressor.COMPATIBLE_WINDOW, lzma.fittedTo(1166).window(),
                "no smaller than the compatible window when the budget's is larger");
        assertEquals(5120, lzma.fittedTo(5000).window(), "rounded up to a multiple of 256");
        assertSame(lzma, lzma.fittedTo(7680));
        assertSame(lzma, lzma.fittedTo(1 << 20));
        assertEquals(lzma.props(), lzma.fittedTo(100).props());

        SplitCompressor split = new SplitCompressor(7680, 1, 0, 2);
        assertEquals(LzmaCompressor.COMPATIBLE_WINDOW, split.fittedTo(190).window());
        assertEquals(split.props(), split.fittedTo(190).props());
        assertSame(split, split.fittedTo(100_000));

        LzmaCompressor small = new LzmaCompressor(1792, 0, 0, 0);
        assertEquals(768, small.fittedTo(700).window(), "below the compatible window when the budget's is");
        assertEquals(Limits.MIN_LZMA_WINDOW, small.fittedTo(10).window(), "the format's smallest lzma window");
        assertSame(small, small.fittedTo(1792));

        Lz77Compressor lz77 = new Lz77Compressor(4096);
        assertEquals(512, lz77.fittedTo(300).window(), "a power of two");
        assertEquals(512, lz77.fittedTo(512).window());
        assertEquals(Limits.MIN_LZ77_WINDOW, lz77.fittedTo(100).window(), "lz77's smallest window");
        assertSame(lz77, lz77.fittedTo(5000));

        StoredCompressor stored = new StoredCompressor();
        assertSame(stored, stored.fittedTo(10));
    }

    @Test
    void aWindowBelowTheEncodersSmallestDictionaryLimitsTheBlocksToIt() {
        assertEquals(1792, new LzmaCompressor(1792, 0, 0, 0).maxBlockRaw(262_144));
        assertEquals(1000, new LzmaCompressor(1792, 0, 0, 0).maxBlockRaw(1000));
        assertEquals(1792, new SplitCompressor(1792, 0, 0, 0).maxBlockRaw(262_144));
        assertEquals(262_144, new LzmaCompressor(4096, 0, 0, 2).maxBlockRaw(262_144), "xz-java's smallest dictionary");
        assertEquals(262_144, new Lz77Compressor(1024).maxBlockRaw(262_144), "LZ77 keeps its offsets in its window");
    }

    @Test
    void aShortDiffAsksForLzmasSmallestDictionaryAndAppliesInThatRam() throws Exception {
        // programmer's default patch has one block of 1,166 record bytes (fwdelta inspect:
        // raw_records_total); its window was the budget's 7,680 bytes, its decoder_ram 16,308.
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        PatchHeader h = PatchHeader.parse(patch);

        assertEquals(Codec.SPLIT, h.codec());
        assertEquals(LzmaCompressor.COMPATIBLE_WINDOW, h.codecWindow());
        assertEquals(PatchHeader.decoderRam(h.codec(), h.codecWindow(), h.codecProps(), h.mapCount()), h.decoderRam());
        assertTrue(h.decoderRam() < 16384 - 3000, "decoder_ram " + h.decoderRam());
        assertArrayEquals(pair.newBytes(), applied(pair, patch, h.decoderRam()));
    }

    @Test
    void aLargerBudgetGivesAShortDiffTheSamePatch() {
        // Before, each budget wrote its own dictionary into the header: 1,048 bytes at 16 KiB,
        // 1,050 at 32 and 64 KiB (the window's and decoder_ram's varints grew).
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] atDefault = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        for (long budget : new long[] {24576, 32768, 65536}) {
            byte[] larger = PatchBuilder.build(pair.oldBytes(), pair.newBytes(),
                    BuildOptions.defaults().withRamBudget(budget)).patch();
            assertArrayEquals(atDefault, larger, "budget " + budget);
        }
    }

    @Test
    void anLz77PatchAsksForThePowerOfTwoItsBlocksNeed() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(),
                BuildOptions.defaults().withCodec(Codec.LZ77)).patch();
        PatchHeader h = PatchHeader.parse(patch);

        assertEquals(Codec.LZ77, h.codec());
        assertEquals(2048, h.codecWindow(), "records of 1-2 KB (the budget's window: 8192)");
        assertArrayEquals(pair.newBytes(), applied(pair, patch, h.decoderRam()));
    }

    private static byte[] applied(Corpus.Pair pair, byte[] patch, long ramBudget) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamApply.apply(new ByteArrayInputStream(patch), new ByteArrayOldImage(pair.oldBytes()), out::write, ramBudget);
        return out.toByteArray();
    }
}
