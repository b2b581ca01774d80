// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.flash.FlashCosts;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class StatusLogTest {
    private static NorFlash flash(boolean ecc) {
        return NorFlash.erased(new FlashGeometry(SectorMap.parse("2x256"), 8, (byte) 0xFF, ecc,
                new FlashCosts(0, 0, 0, 0)));
    }

    @Test
    void appendReadAndFull() throws Exception {
        StatusLog log = new StatusLog(flash(true), new Region(0, 256));
        assertEquals(4, log.capacity());
        for (int i = 0; i < 4; i++) {
            log.append(7, new byte[] {(byte) i});
        }
        assertEquals(4, log.entries().size());
        assertEquals(3, log.entries().get(3).payload()[0]);
        IOException e = assertThrows(IOException.class, () -> log.append(7, new byte[0]));
        assertEquals("status log at 0x0 is full (4 records)", e.getMessage());
        log.erase();
        assertEquals(0, log.entries().size());
    }

    @Test
    void aTornRecordIsSkippedAndNeverReprogrammed() throws Exception {
        NorFlash f = flash(true);
        StatusLog log = new StatusLog(f, new Region(0, 512));
        log.append(1, new byte[] {1});
        f.setFaults(FaultPlan.cutBefore(0, true));
        assertThrows(PowerCutException.class, () -> log.append(2, new byte[] {2}));
        f.setFaults(null);
        assertEquals(1, log.entries().size(), "torn record must fail its CRC");
        log.append(3, new byte[] {3}); // goes after the torn slot: ECC flash refuses a second program
        assertEquals(3, log.entries().get(1).type());
    }
}
