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
        AtBudget at = AtBudget.of("programmer", 4096);
        PatchBuilder.Built chosen = at.chosen();
        int stored = at.sizeWith(Codec.NONE);
        int lz77 = at.sizeWith(Codec.LZ77);

        assertEquals(Math.min(stored, lz77), chosen.patch().length, "stored " + stored + ", lz77 " + lz77);
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        // LZ77 with a map. When the map was budgeted next to LZMA, the patch had none, and was well above this bound.
        assertTrue(chosen.patch().length <= 1_320, chosen.patch().length + " bytes");
        at.assertApplies();
    }

    @Test
    void lzmaWithAWindowBelowTheCompatibleOneWinsWhereItIsSmallest() throws Exception {
        AtBudget at = AtBudget.of("programmer", 8192);
        PatchBuilder.Built chosen = at.chosen();
        int stored = at.sizeWith(Codec.NONE);
        int lz77 = at.sizeWith(Codec.LZ77);
        PatchHeader h = chosen.header();

        // LZ77 with a map was the default here (1,252 bytes) while LZMA needed a 4 KiB window.
        assertTrue(chosen.patch().length < Math.min(stored, lz77),
                chosen.patch().length + " bytes, stored " + stored + ", lz77 " + lz77);
        assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, chosen.codecSetting());
        assertTrue(h.codecWindow() < LzmaCompressor.COMPATIBLE_WINDOW, "window " + h.codecWindow());
        assertTrue(h.maxBlockRaw() <= h.codecWindow(),
                "max_block_raw " + h.maxBlockRaw() + " within the window " + h.codecWindow());
        at.assertApplies();
    }

    @Test
    void theMapLeavesLzmaAWindowWhereNoCompatibleOneFits() throws Exception {
        // Budgeted next to LZ77's decoder, the map took 255 entries and left LZMA no window beside
        // it: the views had LZ77 only, and LZ77 with a map was the default (29,762 bytes).
        AtBudget at = AtBudget.of("pyb-release", 8192);
        PatchBuilder.Built chosen = at.chosen();
        int lz77 = at.sizeWith(Codec.LZ77);
        PatchHeader h = chosen.header();

        assertTrue(chosen.patch().length < lz77, chosen.patch().length + " bytes, lz77 " + lz77);
        assertTrue(h.codec() == Codec.LZMA || h.codec() == Codec.SPLIT, chosen.codecSetting());
        assertTrue((h.flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        assertEquals(RelocationPlanner.WINDOW_BESIDE_MAP, h.codecWindow(), chosen.codecSetting());
        at.assertApplies();
    }

    @Test
    void aLargeImagesViewTriesTheCodecsThatFitBesideItsMap() throws Exception {
        // A large image's views are tried with what fits beside their maps: in a first version of
        // the short LZMA blocks, a view whose map left the plain diff's codec no room was dropped
        // (102,015 bytes, no map). Now the view, with LZMA beside a 105-entry map, is the patch.
        AtBudget at = AtBudget.of("libpython", 8192);
        PatchBuilder.Built chosen = at.chosen();
        int lz77 = at.sizeWith(Codec.LZ77);

        assertTrue(chosen.patch().length <= lz77, chosen.patch().length + " bytes, lz77 " + lz77);
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        at.assertApplies();
    }

    @Test
    void aLargerBudgetNeverGivesALargerPatchWhereTheMapCompetesWithLzmasWindow() throws Exception {
        // Below LZMA's compatible window the map took every byte beside a 1 KiB window, and a
        // larger map cost more than it gained: 27,005 bytes at 8192 (105 entries), 27,784 at
        // 9216 (233). Now the map's smaller sizes are tried too, each beside a larger window.
        long[] budgets = {8192, 9216, 10240};
        int previous = Integer.MAX_VALUE;
        for (long budget : budgets) {
            AtBudget at = AtBudget.of("libpython", budget);
            int size = at.chosen().patch().length;
            assertTrue(size <= previous, size + " bytes at " + budget + ", " + previous + " at a budget 1 KiB smaller");
            at.assertApplies();
            previous = size;
        }
    }

    @Test
    void whereSplitWinsThePlainDiffButHasNoWindowBesideAFullMapTheViewTriesLzma() throws Exception {
        // At 13312 split won esp8266's plain diff, and beside the 255-entry map it had no
        // compatible window: the view had no trial, and the patch (split, no map: 66,068 bytes)
        // was larger than the one of 12288 (LZMA and a map, 61,417).
        AtBudget smaller = AtBudget.of("esp8266", 12288);
        AtBudget at = AtBudget.of("esp8266", 13312);
        PatchBuilder.Built chosen = at.chosen();

        assertTrue(chosen.patch().length <= smaller.chosen().patch().length,
                chosen.patch().length + " bytes, " + smaller.chosen().patch().length + " at 12288");
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        at.assertApplies();
    }

    /** A pair's default patch at one budget, and what the same budget gives with one codec forced. */
    private record AtBudget(Corpus.Pair pair, BuildOptions options, PatchBuilder.Built chosen) {
        static AtBudget of(String pairName, long budget) {
            Corpus.Pair pair = Corpus.pair(pairName);
            BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
            return new AtBudget(pair, options, PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options));
        }

        int sizeWith(Codec codec) {
            return PatchBuilder.build(pair.oldBytes(), pair.newBytes(), options.withCodec(codec)).patch().length;
        }

        void assertApplies() throws Exception {
            long budget = options.ramBudget();
            assertTrue(chosen.header().decoderRam() <= budget, "decoder_ram " + chosen.header().decoderRam());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StreamApply.apply(new ByteArrayInputStream(chosen.patch()), new ByteArrayOldImage(pair.oldBytes()),
                    out::write, budget);
            assertArrayEquals(pair.newBytes(), out.toByteArray());
        }
    }
}
