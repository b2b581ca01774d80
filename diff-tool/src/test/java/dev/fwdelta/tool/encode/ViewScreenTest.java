// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.RememberingIndex;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewScreenTest {
    private static byte[] elf(int endianness, int machine) {
        byte[] h = RawElfHeaderTest.elf32(1, 0, 0);
        h[5] = (byte) endianness;
        LittleEndian.put16(h, 18, machine);
        return h;
    }

    @Test
    void anElfHeaderNamesItsInstructionSet() {
        assertEquals(A64Architecture.INSTANCE, ViewScreen.elfArchitecture(elf(1, 183)));
        assertEquals(ThumbArchitecture.INSTANCE, ViewScreen.elfArchitecture(elf(1, 40)));
        assertEquals(XtensaArchitecture.INSTANCE, ViewScreen.elfArchitecture(elf(1, 94)));
        assertNull(ViewScreen.elfArchitecture(elf(1, 62)), "x86-64: no view of ours applies");
        assertNull(ViewScreen.elfArchitecture(elf(2, 183)), "big-endian: not read");
        assertEquals(A64Architecture.INSTANCE, ViewScreen.elfArchitecture(Corpus.pair("libpython").oldBytes()));
        // raw firmware has no header: every instruction set is tried
        assertNull(ViewScreen.elfArchitecture(Corpus.pair("pyb-small").oldBytes()));
    }

    /**
     * The demo's raw Thumb-like image: the Xtensa evidence there is its pointers, and "calls" that
     * re-aim nothing must not ride along, or the patch names (and the device applies) a view of
     * Xtensa code for a Thumb image. The patch is as small as with them.
     */
    @Test
    void aThumbImageGetsNoViewOfXtensaCalls() {
        DemoFirmware.Pair pair = DemoFirmware.generate(1);
        byte[] oldImage = pair.oldImage();
        byte[] newImage = pair.newImage();
        var records = AlignmentScanner.diff(new RememberingIndex(SuffixArrayIndex.of(oldImage), newImage), newImage, 12);
        var views = ViewScreen.screened(oldImage, newImage, records, BuildOptions.defaults(), 2);
        assertEquals(2, views.size());
        for (ViewScreen.View v : views) {
            assertFalse(v.map().has(RelocationMap.XTENSA_CALL), "a screened view re-aims Xtensa calls, gain " + v.gain());
        }
        PatchBuilder.Built built = PatchBuilder.build(oldImage, newImage, BuildOptions.defaults());
        assertTrue(built.codecSetting().contains("relocation map"), built.codecSetting());
        assertFalse(built.codecSetting().contains("Xtensa"), built.codecSetting());
    }

    /**
     * A firmware image from SAMPLED_SCREEN_FROM bytes is screened on a sample. The sample need not
     * keep the very views the screen of every byte keeps, but its best view, measured on every
     * byte, gains nearly what the whole screen's best does; and a view made in parts is the view
     * made whole.
     */
    @Test
    void aSampleKeepsAViewNearlyAsGoodAsTheWholeScreens() {
        for (String name : List.of("esp8266", "pyb-release", "microbit-v2-4-8")) {
            Corpus.Pair pair = Corpus.pair(name);
            byte[] oldImage = pair.oldBytes();
            byte[] newImage = pair.newBytes();
            assertTrue(newImage.length >= ViewScreen.SAMPLED_SCREEN_FROM, name);
            List<DeltaRecord> widest = AlignmentScanner.diff(SuffixArrayIndex.of(oldImage), newImage, 12);
            DiffRuns runs = DiffRuns.of(widest);
            int entries = RelocationPlanner.entriesWithin(BuildOptions.DEFAULT_RAM_BUDGET, null);
            long whole = ViewScreen.screened(oldImage, newImage, widest, BuildOptions.defaults(), 2, entries, false)
                    .stream().mapToLong(v -> ViewGain.of(oldImage, v.bytes(), newImage, runs)).max().orElseThrow();
            List<ViewScreen.View> sampled = ViewScreen.screened(oldImage, newImage, widest, BuildOptions.defaults(), 2,
                    entries, true);
            long best = sampled.stream().mapToLong(v -> ViewGain.of(oldImage, v.bytes(), newImage, runs)).max()
                    .orElseThrow();
            assertTrue(best >= whole * 0.97, name + ": the sample's best view gains " + best + " bytes, the whole's "
                    + whole);
            for (ViewScreen.View v : sampled) {
                assertArrayEquals(RelocatedOldImage.of(oldImage, v.map()), v.bytes(), name);
            }
        }
    }
}
