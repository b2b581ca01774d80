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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLogTest {
    private static NorFlash flash(boolean ecc) {
        return NorFlash.erased(new FlashGeometry(SectorMap.parse("2x256"), 8, (byte) 0xFF, ecc,
                new FlashCosts(0, 0, 0, 0)));
    }

    /** Each valid record's type and first payload byte, as "type:byte", in the order read. */
    private static List<String> records(StatusLog log) {
        List<String> out = new ArrayList<>();
        log.read((type, r) -> out.add(type + ":" + r[StatusLog.PAYLOAD_AT]));
        return out;
    }

    private static void append(StatusLog log, int type, int firstByte) throws IOException {
        log.draft()[StatusLog.PAYLOAD_AT] = (byte) firstByte;
        log.append(type);
    }

    @Test
    void appendReadAndFull() throws Exception {
        StatusLog log = new StatusLog(flash(true), new Region(0, 256));
        assertEquals(4, log.capacity());
        for (int i = 0; i < 4; i++) {
            append(log, 7, i);
        }
        assertEquals(List.of("7:0", "7:1", "7:2", "7:3"), records(log));
        IOException e = assertThrows(IOException.class, () -> append(log, 7, 0));
        assertEquals("status log at 0x0 is full (4 records)", e.getMessage());
        log.erase();
        assertEquals(List.of(), records(log));
    }

    @Test
    void aTornRecordIsSkippedAndNeverReprogrammed() throws Exception {
        NorFlash f = flash(true);
        StatusLog log = new StatusLog(f, new Region(0, 512));
        append(log, 1, 1);
        f.setFaults(FaultPlan.cutBefore(0, true));
        assertThrows(PowerCutException.class, () -> append(log, 2, 2));
        f.setFaults(null);
        assertEquals(List.of("1:1"), records(log), "torn record must fail its CRC");
        append(log, 3, 3); // goes after the torn slot: ECC flash refuses a second program
        assertEquals(List.of("1:1", "3:3"), records(log));
    }
}
