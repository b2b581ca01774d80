// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.flash.FlashCosts;
import dev.fwdelta.runtime.flash.FlashException;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.flash.SectorMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per NOR rule, the counters, the fault injector and the file backing. */
class NorFlashTest {
    private static final FlashCosts COSTS = new FlashCosts(1000, 10, 5, 2);

    private static NorFlash flash(int unit, byte erased, boolean ecc) {
        return NorFlash.erased(new FlashGeometry(SectorMap.parse("2x1K, 1x2K"), unit, erased, ecc, COSTS));
    }

    private static byte[] bytes(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void mixedSectorMap() {
        SectorMap f4 = SectorMap.parse("4x16K, 1x64K, 7x128K");
        assertEquals(12, f4.count());
        assertEquals(1 << 20, f4.totalSize());
        assertEquals(4, f4.sectorAt(0x10000));
        assertEquals(5, f4.sectorAt(0x20000));
        assertEquals(11, f4.sectorAt(0xFFFFF));
        assertTrue(f4.isBoundary(0x20000));
        assertFalse(f4.isBoundary(0x20001));
    }

    @Test
    void eraseSetsTheWholeSectorToTheErasedValue() throws Exception {
        NorFlash f = flash(4, (byte) 0xFF, false);
        f.program(1024, bytes(8, 0x12), 0, 8);
        f.erase(1);
        assertTrue(f.isErased(1024, 1024));
        assertEquals(1, f.counters().erases(1));
    }

    @Test
    void unalignedProgramIsRefused() {
        NorFlash f = flash(8, (byte) 0xFF, false);
        FlashException e = assertThrows(FlashException.class, () -> f.program(4, bytes(8, 0), 0, 8));
        assertTrue(e.getMessage().contains("unaligned"), e.getMessage());
        assertThrows(FlashException.class, () -> f.program(0, bytes(12, 0), 0, 12));
    }

    @Test
    void programmingCanOnlyClearBits() throws Exception {
        NorFlash f = flash(1, (byte) 0xFF, false);
        f.program(0, new byte[] {0x0F}, 0, 1);
        f.program(0, new byte[] {0x0F}, 0, 1); // same value again: allowed on NOR without ECC
        f.program(0, new byte[] {0x05}, 0, 1); // clears more bits: allowed
        FlashException e = assertThrows(FlashException.class, () -> f.program(0, new byte[] {(byte) 0xF0}, 0, 1));
        assertTrue(e.getMessage().contains("only move bits away from the erased value"), e.getMessage());
        byte[] got = new byte[1];
        f.read(0, got, 0, 1);
        assertEquals(0x05, got[0], "a refused program must not change the cell");
    }

    @Test
    void erasedValueZeroProgramsBySettingBits() throws Exception {
        NorFlash f = flash(4, (byte) 0x00, false);
        assertTrue(f.isErased(0, 4096));
        f.program(0, new byte[] {1, 2, 3, 4}, 0, 4);
        f.program(0, new byte[] {3, 3, 3, 4}, 0, 4);
        assertThrows(FlashException.class, () -> f.program(0, new byte[] {0, 0, 0, 0}, 0, 4));
        f.erase(0);
        assertTrue(f.isErased(0, 1024));
    }

    @Test
    void eccUnitsTakeOneProgramPerErase() throws Exception {
        NorFlash f = flash(8, (byte) 0xFF, true);
        f.program(16, bytes(8, 0xFF), 0, 8); // even all-ones counts as programmed
        FlashException e = assertThrows(FlashException.class, () -> f.program(16, bytes(8, 0xFF), 0, 8));
        assertTrue(e.getMessage().contains("programmed twice"), e.getMessage());
        f.erase(0);
        f.program(16, bytes(8, 0x00), 0, 8);
    }

    @Test
    void countersAndTimeModel() throws Exception {
        NorFlash f = flash(4, (byte) 0xFF, false);
        f.erase(2);
        f.program(2048, bytes(64, 0), 0, 64);
        assertEquals(64, f.counters().bytesProgrammed());
        assertEquals(2, f.counters().operations());
        assertEquals(1, f.counters().totalErases());
        // erase 1000 + 10 x 2 KiB, program 5 + 2 x 16 units
        assertEquals((1000 + 20 + 5 + 32) / 1e6, f.counters().estimatedSeconds(), 1e-12);
    }

    @Test
    void powerCutBeforeAnOperationLeavesItUndone() throws Exception {
        NorFlash f = flash(4, (byte) 0xFF, false);
        f.setFaults(FaultPlan.cutBefore(1, false));
        f.program(0, bytes(8, 0), 0, 8);
        PowerCutException cut = assertThrows(PowerCutException.class, () -> f.program(8, bytes(8, 0), 0, 8));
        assertEquals(1, cut.operation());
        assertTrue(f.isErased(8, 8));
        assertFalse(f.isErased(0, 8));
    }

    @Test
    void tornProgramLeavesAUnitPartlyProgrammed() throws Exception {
        NorFlash f = flash(4, (byte) 0xFF, false);
        f.setFaults(FaultPlan.cutBefore(0, true));
        assertThrows(PowerCutException.class, () -> f.program(0, bytes(16, 0), 0, 16));
        byte[] got = new byte[16];
        f.read(0, got, 0, 16);
        // units 0-1 programmed, unit 2 half programmed, unit 3 untouched
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1}, got);
    }

    @Test
    void tornEraseLeavesHalfTheSector() throws Exception {
        NorFlash f = flash(4, (byte) 0xFF, false);
        f.program(0, bytes(1024, 0), 0, 1024);
        f.setFaults(FaultPlan.cutBefore(0, true));
        assertThrows(PowerCutException.class, () -> f.erase(0));
        assertTrue(f.isErased(0, 512));
        assertFalse(f.isErased(512, 512));
    }

    @Test
    void fileBackedFlashKeepsItsContent(@TempDir Path dir) throws Exception {
        FlashGeometry g = new FlashGeometry(SectorMap.parse("4x1K"), 4, (byte) 0xFF, false, COSTS);
        Path file = dir.resolve("flash.bin");
        try (NorFlash f = NorFlash.file(g, file)) {
            f.program(100, new byte[] {1, 2, 3, 4}, 0, 4);
        }
        try (NorFlash f = NorFlash.file(g, file)) {
            byte[] got = new byte[4];
            f.read(100, got, 0, 4);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, got);
        }
        assertEquals(4096, Files.size(file));
    }
}
