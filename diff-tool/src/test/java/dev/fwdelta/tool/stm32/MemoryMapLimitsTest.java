// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.device.DeviceLayout;
import org.junit.jupiter.api.Test;

/** The interface string is the device's word: each of its numbers is checked before a map is built. */
class MemoryMapLimitsTest {
    private static void assertRefused(String interfaceString, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemoryMap.parse(interfaceString).asPart().map());
        assertFalse(e instanceof NumberFormatException, interfaceString + ": " + e);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), interfaceString + ": " + e.getMessage());
        }
    }

    @Test
    void numbersOutsideTheirRangeAreRefusedNamingFieldAndRange() {
        String sectors = "valid range 1.." + DeviceLayout.MAX_SECTORS + ")";
        assertRefused("@Internal Flash /0x08000000/" + (DeviceLayout.MAX_SECTORS + 1) + "*001 g", "sector count",
                sectors);
        assertRefused("@Internal Flash /0x08000000/2147483647*001Kg", "sector count", sectors);
        assertRefused("@Internal Flash /0x08000000/99999999999*001Kg", "sector count", sectors);
        assertRefused("@Internal Flash /0x08000000/00*016Kg", "sector count", sectors);
        assertRefused("@Internal Flash /0x08000000/01*99999999999Kg", "sector size", "valid range 1K..65536K)");
        assertRefused("@Internal Flash /0x08000000/65536*002Kg", "flash size", "valid range 1..67108864)");
        assertRefused("@Internal Flash /0x08000000/40000*001Kg,40000*001Kg", "sectors in all", sectors);
        assertRefused("@Internal Flash /0xFFFFF000/04*016Kg", "flash size", "valid range 1..4096)");
        assertRefused("@Internal Flash /0x1FFFFFFFF/04*016Kg", "base address", "valid range 0..4294967295)");
        assertRefused("@Internal Flash /0x0800_0000/04*016Kg", "base address", "valid range 0..4294967295)");
    }

    @Test
    void mapsWithinTheLimitsStillParse() {
        assertEquals(64 << 20, MemoryMap.parse("@Big /0x00000000/64*001Mg").asPart().flashSize());
        assertEquals(DeviceLayout.MAX_SECTORS, MemoryMap.parse("@Pages /0x08000000/65536*128 g").asPart().map().count());
        assertEquals(4096, MemoryMap.parse("@Top /0xFFFFF000/04*001Kg").asPart().flashSize());
    }
}
