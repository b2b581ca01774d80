// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.runtime.flash.ForwardingFlash;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * How much of the active slot the agent reads to check a patch's base image: the whole image once
 * per begin, none when the device measured its running image at boot, and never more than once
 * in an agent's run. Counted in bytes read, not time.
 */
class BaseImageReadsTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("nrf52840");
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(1 << 20);

    @Test
    void beginReadsTheRunningImageOnceNotOncePerCheck() throws Exception {
        TestPatch t = TestPatch.standard();
        ActiveSlotReads flash = new ActiveSlotReads(DeviceSimulator.provision(LAYOUT, t.old));
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY);
        byte[] patch = t.build();
        agent.begin(patch);
        assertEquals(t.old.length, flash.bytesRead, "the header check and the applier share one read of the slot");
        agent.abort();
        agent.begin(patch);
        assertEquals(t.old.length, flash.bytesRead, "a second begin compares what the first one found");
    }

    @Test
    void anImageMeasuredAtBootIsNotReadAgainAndTheUpdateStillStagesTheExactImage() throws Exception {
        TestPatch t = TestPatch.standard();
        NorFlash nor = DeviceSimulator.provision(LAYOUT, t.old);
        ImageChecksums atBoot = UpdateAgent.measureRunningImage(LAYOUT, nor, t.old.length);
        ActiveSlotReads flash = new ActiveSlotReads(nor);
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY, atBoot);
        byte[] patch = t.build();
        long from = agent.begin(patch);
        long readForTheCheck = flash.bytesRead;
        agent.receive(patch, (int) from, patch.length - (int) from);
        agent.finish();
        assertEquals(0, readForTheCheck, "the base check compares the boot measurement");
        assertEquals(UpdateAgent.State.STAGED, agent.state());
        byte[] staged = Arrays.copyOfRange(nor.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + t.newImage().length);
        assertArrayEquals(t.newImage(), staged);
    }

    @Test
    void aPatchForAnotherImageIsRefusedByTheBootMeasurementBeforeAnyWrite() throws Exception {
        TestPatch t = TestPatch.standard();
        byte[] other = t.old.clone();
        other[other.length / 2] ^= 1;
        NorFlash nor = DeviceSimulator.provision(LAYOUT, other);
        ImageChecksums atBoot = UpdateAgent.measureRunningImage(LAYOUT, nor, other.length);
        long erases = nor.counters().totalErases();
        UpdateAgent agent = new UpdateAgent(LAYOUT, nor, POLICY, atBoot);
        PatchException e = assertThrows(PatchException.class, () -> agent.begin(t.build()));
        assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code());
        assertEquals(erases, nor.counters().totalErases(), "nothing erased");
    }

    @Test
    void aBootMeasurementOfAnotherSizeIsNotTrustedForThisPatch() throws Exception {
        TestPatch t = TestPatch.standard();
        ActiveSlotReads flash = new ActiveSlotReads(DeviceSimulator.provision(LAYOUT, t.old));
        ImageChecksums shorter = UpdateAgent.measureRunningImage(LAYOUT, flash, t.old.length - 1);
        flash.bytesRead = 0;
        UpdateAgent agent = new UpdateAgent(LAYOUT, flash, POLICY, shorter);
        agent.begin(t.build());
        assertEquals(t.old.length, flash.bytesRead, "the patch's old_size was measured afresh");
    }

    @Test
    void theBootMeasurementRefusesASizeOutsideTheSlot() {
        NorFlash nor = NorFlash.erased(LAYOUT.geometry());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UpdateAgent.measureRunningImage(LAYOUT, nor, LAYOUT.active().size() + 1));
        assertEquals("running image size " + (LAYOUT.active().size() + 1) + " outside 0.." + LAYOUT.active().size(),
                e.getMessage());
    }

    /** Counts the bytes read from the active slot. */
    private static final class ActiveSlotReads extends ForwardingFlash {
        long bytesRead;

        ActiveSlotReads(Flash inner) {
            super(inner);
        }

        @Override
        public void read(long offset, byte[] dst, int off, int len) {
            long start = Math.max(offset, LAYOUT.active().offset());
            long end = Math.min(offset + len, LAYOUT.active().offset() + LAYOUT.active().size());
            bytesRead += Math.max(0, end - start);
            inner.read(offset, dst, off, len);
        }
    }
}
