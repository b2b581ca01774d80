// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.Apply;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Flag LOAD_ADDRESS (FORMAT.md 1.2): the header field, its corruptions, and the agent's refusal before any erase. */
class LoadAddressTest {
    /** nrf52840: the active slot is at flash offset 0x10000 of a flash at address 0. */
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final long SLOT = 0x10000;

    private static TestPatch patchAt(long address) {
        TestPatch t = TestPatch.standard();
        t.version = 3;
        t.flags = PatchHeader.FLAG_LOAD_ADDRESS;
        t.loadAddress = address;
        return t;
    }

    @Test
    void theAgentRefusesAnotherSlotsPatchBeforeItErasesAnything() throws Exception {
        TestPatch t = patchAt(0x0801_0000L);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, t.old);
        byte[] before = flash.snapshot();
        long erasesBefore = flash.counters().totalErases();
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20));
        assertEquals(SLOT, agent.activeSlotAddress());
        PatchException e = assertThrows(PatchException.class, () -> agent.begin(t.build()));
        assertEquals(ErrorCode.WRONG_LOAD_ADDRESS, e.code());
        assertTrue(e.getMessage().contains("0x08010000") && e.getMessage().contains("0x00010000"), e.getMessage());
        assertEquals(erasesBefore, flash.counters().totalErases(), "nothing erased");
        assertArrayEquals(before, flash.snapshot(), "nothing written");
    }

    @Test
    void theAgentTakesAPatchForItsSlot() throws Exception {
        TestPatch t = patchAt(SLOT);
        NorFlash flash = DeviceSimulator.provision(LAYOUT, t.old);
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20));
        byte[] patch = t.build();
        long from = agent.begin(patch);
        agent.receive(patch, (int) from, patch.length - (int) from);
        agent.finish();
        assertEquals(UpdateAgent.State.STAGED, agent.state());
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + t.newImage().length);
        assertArrayEquals(t.newImage(), staged);
    }

    @Test
    void theApplierReadsTheAddressAndAppliesAsWithout() throws Exception {
        TestPatch t = patchAt(0xFFFF_FFFCL);
        PatchHeader h = PatchHeader.parse(t.build());
        assertEquals(0xFFFF_FFFCL, h.loadAddress());
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
        PatchException wrong = assertThrows(PatchException.class, () -> h.checkLoadAddress(0));
        assertEquals(ErrorCode.WRONG_LOAD_ADDRESS, wrong.code());
    }

    @Test
    void flagWithoutTheFourBytesOrBytesWithoutTheFlagAreRefused() {
        TestPatch flagOnly = patchAt(0);
        flagOnly.loadAddress = null; // flag set, field missing: the CRC is read 4 bytes early
        assertRefused(flagOnly.build());
        TestPatch fieldOnly = patchAt(0x1000);
        fieldOnly.flags = 0; // 4 bytes the header does not announce
        assertRefused(fieldOnly.build());
    }

    @Test
    void reservedFlagBitsAreRefused() {
        for (int bit : new int[] {4, 32, 128}) {
            TestPatch t = patchAt(0x1000);
            t.flags |= bit;
            PatchException e = assertThrows(PatchException.class, () -> PatchHeader.parse(t.build()));
            assertEquals(ErrorCode.BAD_FLAGS, e.code(), "bit value " + bit);
        }
    }

    private static void assertRefused(byte[] patch) {
        PatchException e = assertThrows(PatchException.class, () -> PatchHeader.parse(patch));
        assertTrue(e.code() == ErrorCode.BAD_HEADER_CRC || e.code() == ErrorCode.BAD_HEADER_SIZE
                || e.code() == ErrorCode.TRUNCATED, e.code().toString());
    }
}
