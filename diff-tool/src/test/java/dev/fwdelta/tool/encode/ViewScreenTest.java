// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.RememberingIndex;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
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
}
