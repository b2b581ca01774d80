// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.StreamApply;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Below LZMA's smallest decoder with a compatible window (10,412 bytes) the relocation map is
 * budgeted next to the codec actually used, and LZMA with a smaller window (blocks no longer than
 * it) competes with LZ77 and stored blocks: the default patch is the smallest of them.
 */
class RamBudgetTest {
    @Test
    void belowLzmasSmallestDecoderTheDefaultIsTheSmallestCodecThatFitsAndKeepsItsMap() throws Exception {
        long budget = 4096;
        Corpus.Pair pair = Corpus.pair("programmer");
        BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
        PatchBuilder.Built chosen = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options);
        int stored = size(pair, options.withCodec(Codec.NONE));
        int lz77 = size(pair, options.withCodec(Codec.LZ77));

        assertEquals(Math.min(stored, lz77), chosen.patch().length, "stored " + stored + ", lz77 " + lz77);
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        // LZ77 with a map. When the map was budgeted next to LZMA, the patch had none, and was well above this bound.
        assertTrue(chosen.patch().length <= 1_320, chosen.patch().length + " bytes");
        assertApplies(pair, chosen, budget);
    }

    @Test
    void lzmaWithAWindowBelowTheCompatibleOneWinsWhereItIsSmallest() throws Exception {
        long budget = 8192;
        Corpus.Pair pair = Corpus.pair("programmer");
        BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
        PatchBuilder.Built chosen = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options);
        int stored = size(pair, options.withCodec(Codec.NONE));
        int lz77 = size(pair, options.withCodec(Codec.LZ77));
        PatchHeader h = chosen.header();

        // LZ77 with a map was the default here (1,252 bytes) while LZMA needed a 4 KiB window.
        assertTrue(chosen.patch().length < Math.min(stored, lz77),
                chosen.patch().length + " bytes, stored " + stored + ", lz77 " + lz77);
        assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, chosen.codecSetting());
        assertTrue(h.codecWindow() < LzmaCompressor.COMPATIBLE_WINDOW, "window " + h.codecWindow());
        assertTrue(h.maxBlockRaw() <= h.codecWindow(),
                "max_block_raw " + h.maxBlockRaw() + " within the window " + h.codecWindow());
        assertApplies(pair, chosen, budget);
    }

    @Test
    void theMapLeavesLzmaAWindowWhereNoCompatibleOneFits() throws Exception {
        // Budgeted next to LZ77's decoder, the map took 255 entries and left LZMA no window beside
        // it: the views had LZ77 only, and LZ77 with a map was the default (29,762 bytes).
        long budget = 8192;
        Corpus.Pair pair = Corpus.pair("pyb-release");
        BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
        PatchBuilder.Built chosen = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options);
        int lz77 = size(pair, options.withCodec(Codec.LZ77));
        PatchHeader h = chosen.header();

        assertTrue(chosen.patch().length < lz77, chosen.patch().length + " bytes, lz77 " + lz77);
        assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, chosen.codecSetting());
        assertTrue((h.flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        assertEquals(RelocationPlanner.WINDOW_BESIDE_MAP, h.codecWindow(), chosen.codecSetting());
        assertApplies(pair, chosen, budget);
    }

    @Test
    void aLargeImagesViewTriesTheCodecsThatFitBesideItsMap() throws Exception {
        // libpython's plain diff is smallest with LZMA's short blocks, which leave its view's map
        // no room: the view, with LZ77, is the patch (the view was dropped, 102,015 bytes).
        long budget = 8192;
        Corpus.Pair pair = Corpus.pair("libpython");
        BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
        PatchBuilder.Built chosen = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options);
        int lz77 = size(pair, options.withCodec(Codec.LZ77));

        assertTrue(chosen.patch().length <= lz77, chosen.patch().length + " bytes, lz77 " + lz77);
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        assertApplies(pair, chosen, budget);
    }

    private static int size(Corpus.Pair pair, BuildOptions options) {
        return PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options).patch().length;
    }

    private static void assertApplies(Corpus.Pair pair, PatchBuilder.Built built, long budget) throws Exception {
        assertTrue(built.header().decoderRam() <= budget, "decoder_ram " + built.header().decoderRam());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamApply.apply(new ByteArrayInputStream(built.patch()), new ByteArrayOldImage(pair.oldBytes()), out::write,
                budget);
        assertArrayEquals(pair.newBytes(), out.toByteArray());
    }
}
