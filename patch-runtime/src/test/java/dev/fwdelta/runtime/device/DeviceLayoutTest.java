// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class DeviceLayoutTest {
    @Test
    void everyPresetLoadsAndIsConsistent() {
        long mostNeeded = 0;
        for (String name : DeviceLayout.PRESETS) {
            DeviceLayout l = DeviceLayout.preset(name);
            assertEquals(name, l.name());
            assertEquals(l.active().size(), l.staging().size());
            long needed = SwapPlan.recordsNeeded(SwapPlan.groups(l, l.active().size()).size());
            assertTrue(needed <= l.bootLog().size() / StatusLog.RECORD, name + ": boot log too small for a full-slot install");
            mostNeeded = Math.max(mostNeeded, needed);
        }
        assertEquals(97, mostNeeded, "docs/DEVICE.md: a whole-slot install needs at most 97 boot records with the spare");
        assertEquals(0, DeviceLayout.preset("stm32l0-192k").geometry().erasedValue());
        assertTrue(DeviceLayout.preset("stm32l4-512k").geometry().eccUnits());
        assertEquals(12, DeviceLayout.preset("stm32f405-1m").geometry().sectors().count());
    }

    private static String layout(String active, String staging) {
        return String.join("\n", "name = t", "flash_base = 0", "sectors = 6x1K, 2x2K", "program_unit = 4",
                "erased_value = 0xFF", "ecc = false", "costs_us = 1,1,1,1", "agent_log = 0 + 1K",
                "boot_log = 0x400 + 1K", "scratch = 0x800 + 1K", "active = " + active, "staging = " + staging);
    }

    @Test
    void badLayoutsAreRefused() throws Exception {
        DeviceLayout.parse(new StringReader(layout("0xC00 + 1K", "0x1000 + 1K")));
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0xC00 + 1K", "0xC00 + 1K"))), "overlap");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0xC00 + 512", "0x1000 + 512"))), "not whole sectors");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0x1800 + 2K", "0x2000 + 2K"))), "slot sector larger than the scratch area");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.preset("no-such-board"));
    }
}
