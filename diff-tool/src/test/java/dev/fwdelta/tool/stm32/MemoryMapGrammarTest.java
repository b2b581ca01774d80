// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The interface string must match the DfuSe grammar whole: a group skipped or misread would place
 * every sector after it at the wrong address. Found by a review of untrusted-input checks.
 */
class MemoryMapGrammarTest {
    private static final String F405 = "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg";

    private static void assertRefused(String descriptor, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryMap.parse(descriptor),
                descriptor);
        assertEquals("DfuSe memory map '" + descriptor + "': " + problem, e.getMessage());
    }

    private static String notAGroup(int segment, String group) {
        return "segment " + segment + " group '" + group + "' is not COUNT*SIZE, a unit (space, B, K or M) and a "
                + "type letter a..g, e.g. 04*016Kg";
    }

    @Test
    void stRomStringsParse() {
        MemoryMap flash = MemoryMap.parse(F405);
        assertEquals("Internal Flash", flash.name());
        assertEquals(0x0800_0000L, flash.base());
        assertEquals("4x16K, 1x64K, 7x128K", flash.sectors());
        assertEquals(1 << 20, flash.asPart().flashSize());
        // The same ROM's other alternate settings: sizes in bytes with a space for the unit.
        assertEquals("1x16", MemoryMap.parse("@Option Bytes  /0x1FFFC000/01*016 e").sectors());
        assertEquals("1x512, 1x16", MemoryMap.parse("@OTP Memory /0x1FFF7800/01*512 e,01*016 e").sectors());
        assertEquals(2 << 20, MemoryMap.parse("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg,"
                + "04*016Kg,01*064Kg,07*128Kg").asPart().flashSize());
        assertEquals(128, MemoryMap.parse("@Internal Flash   /0x08000000/128*0002Kg").asPart().map().count());
        assertEquals(4, MemoryMap.parse("@Bytes /0x20000000/04*001Bg").asPart().map().count());
        // Blanks around the whole string are not part of it.
        assertEquals(flash, MemoryMap.parse(" " + F405 + " \n"));
    }

    @Test
    void segmentsThatContinueTheFlashAreOneMap() {
        MemoryMap m = MemoryMap.parse("@Internal Flash /0x08000000/04*016Kg/0x08010000/01*064Kg,07*128Kg");
        assertEquals(0x0800_0000L, m.base());
        assertEquals("4x16K, 1x64K, 7x128K", m.sectors());
        assertRefused("@Internal Flash /0x08000000/04*016Kg/0x08100000/01*064Kg",
                "segment 2 starts at 0x08100000, expected 0x08010000 where segment 1 ends (one contiguous flash)");
    }

    @Test
    void aMalformedGroupIsRefusedNotSkipped() {
        assertRefused("@Internal Flash /0x08000000/04*016Kg,01*064Xg,07*128Kg", notAGroup(1, "01*064Xg"));
        assertRefused("@Internal Flash /0x08000000/04*016Kg;01*064Kg,07*128Kg", notAGroup(1, "04*016Kg;01*064Kg"));
        assertRefused("@Internal Flash /0x08000000/04*016Kg,", notAGroup(1, ""));
        assertRefused("@Internal Flash /0x08000000/", notAGroup(1, ""));
        assertRefused("@Internal Flash /0x08000000/04*016Kh", notAGroup(1, "04*016Kh"));
        assertRefused("@Internal Flash /0x08000000/04*016K", notAGroup(1, "04*016K"));
        assertRefused("@Internal Flash /0x08000000/04*016kg", notAGroup(1, "04*016kg"));
        assertRefused("@Internal Flash /0x08000000/ 04*016Kg", notAGroup(1, " 04*016Kg"));
        assertRefused("@Internal Flash /0x08000000/04*016Kgx", notAGroup(1, "04*016Kgx"));
        assertRefused("@Internal Flash /0x08000000/04*016Kg/0x08010000/01x064Kg", notAGroup(2, "01x064Kg"));
    }

    @Test
    void aMalformedFrameIsRefused() {
        assertRefused("Internal Flash /0x08000000/04*016Kg", "it does not start with '@'");
        assertRefused("@/0x08000000/04*016Kg", "no name between '@' and the first '/'");
        assertRefused("@Internal Flash", "expected the name, then one or more /ADDRESS/GROUPS, found 0 "
                + "'/'-separated fields after the name");
        assertRefused("@Internal Flash /0x08000000", "expected the name, then one or more /ADDRESS/GROUPS, found 1 "
                + "'/'-separated fields after the name");
        assertRefused("@Internal Flash /0x08000000/04*016Kg/", "expected the name, then one or more /ADDRESS/GROUPS, "
                + "found 3 '/'-separated fields after the name");
        assertRefused("@Internal Flash /Flash/04*016Kg",
                "bad value for base address: Flash (valid range 0..4294967295)");
    }
}
