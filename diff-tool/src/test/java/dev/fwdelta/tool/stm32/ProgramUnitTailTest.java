// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.flash.SectorMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The padding rule on its own: 0xFF up to the unit, and never past the sector of the last byte. */
class ProgramUnitTailTest {
    /** Two 12-byte sectors: not a multiple of 8, so a double-word tail can cross into the next one. */
    private static final SectorMap ODD = new SectorMap(List.of(12L, 12L));

    @Test
    void aShortTailIsPaddedWithErasedBytes() {
        byte[] padded = ProgramUnitTail.pad(SectorMap.parse("64x2K"), 0x800, new byte[] {1, 2, 3, 4}, 8);
        assertArrayEquals(new byte[] {1, 2, 3, 4, -1, -1, -1, -1}, padded);
    }

    @Test
    void aWholeUnitIsLeftAsItIs() {
        byte[] data = new byte[16];
        assertSame(data, ProgramUnitTail.pad(ODD, 0, data, 8));
    }

    @Test
    void paddingPastTheEndOfTheSectorIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProgramUnitTail.pad(ODD, 8, new byte[] {1, 2, 3, 4}, 8));
        assertEquals("flash write at offset 0x8 of 4 bytes padded to the program unit of 8 bytes would end at 0x10,"
                + " past the end of sector 0 at 0xc", e.getMessage());
    }

    @Test
    void anUnalignedOrOutsideWriteIsRefused() {
        IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class,
                () -> ProgramUnitTail.pad(ODD, 4, new byte[4], 8));
        assertEquals("flash write at offset 0x4 is not aligned to the program unit of 8 bytes", unaligned.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> ProgramUnitTail.pad(ODD, 16, new byte[16], 8));
        assertEquals("flash write at offset 0x10 of 16 bytes is outside the flash (valid range 0x0..0x18)",
                outside.getMessage());
    }
}
