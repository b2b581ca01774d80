// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.Corpus;
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
}
