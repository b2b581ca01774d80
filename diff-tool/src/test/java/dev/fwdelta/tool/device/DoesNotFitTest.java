// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A patch whose new image is larger than the part's staging slot is refused with DOES_NOT_FIT,
 * naming new_size and the slot's size, before the agent writes anything: the base image is the
 * right one, so this is the check that stops it, not the base image's.
 */
class DoesNotFitTest {
    @Test
    void aNewImageLargerThanTheStagingSlotIsRefusedBeforeAnyWrite() throws Exception {
        DeviceLayout layout = DeviceLayout.preset("stm32l0-192k");
        long slot = layout.staging().size();
        Random r = new Random(19);
        byte[] oldImage = new byte[4096];
        r.nextBytes(oldImage);
        byte[] newImage = Arrays.copyOf(oldImage, (int) slot + 4);
        r.nextBytes(newImage); // the tail beyond the slot, and new code over the old
        System.arraycopy(oldImage, 0, newImage, 0, oldImage.length);
        byte[] patch = PatchBuilder.build(oldImage, newImage, BuildOptions.defaults()).patch();
        var flash = DeviceSimulator.provision(layout, oldImage);
        var agent = new UpdateAgent(layout, flash, UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET));

        PatchException e = assertThrows(PatchException.class, () -> agent.begin(patch));

        assertEquals(ErrorCode.DOES_NOT_FIT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("new_size") && e.getMessage().contains(String.valueOf(slot)),
                e.getMessage());
        assertEquals(0, flash.counters().operations());
    }
}
