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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Below LZMA's smallest decoder (10,412 bytes) the relocation map is budgeted next to the codec
 * actually used: the default patch is the smallest of the codecs that fit, with a map.
 */
class RamBudgetTest {
    @ParameterizedTest
    @ValueSource(longs = {4096, 8192})
    void theDefaultIsTheSmallestCodecThatFitsAndKeepsItsMap(long budget) throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] oldImage = pair.oldBytes();
        byte[] newImage = pair.newBytes();
        BuildOptions options = BuildOptions.defaults().withRamBudget(budget);
        PatchBuilder.Built chosen = PatchBuilder.build(oldImage, newImage, options);
        int stored = PatchBuilder.build(oldImage, newImage, options.withCodec(Codec.NONE)).patch().length;
        int lz77 = PatchBuilder.build(oldImage, newImage, options.withCodec(Codec.LZ77)).patch().length;

        assertEquals(Math.min(stored, lz77), chosen.patch().length, "stored " + stored + ", lz77 " + lz77);
        assertTrue((chosen.header().flags() & PatchHeader.FLAG_RELOCATED) != 0, chosen.codecSetting());
        assertTrue(chosen.header().decoderRam() <= budget);
        // LZ77 with a map at both budgets. When the map was budgeted next to LZMA, neither budget
        // got one, and the patch was well above this bound.
        assertTrue(chosen.patch().length <= 1_320, chosen.patch().length + " bytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamApply.apply(new ByteArrayInputStream(chosen.patch()), new ByteArrayOldImage(oldImage), out::write, budget);
        assertArrayEquals(newImage, out.toByteArray());
    }
}
