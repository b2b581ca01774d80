// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.PowerCutException;
import dev.fwdelta.server.device.OtaDevice;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts during an over-the-air update, at sampled flash operations spread over the download
 * (staging writes, progress records) and the install (the bootloader's swap): after power comes
 * back and the device polls again, it runs the new image exactly.
 */
class OtaPowerCutTest {
    private static final int SAMPLES = 6;

    @TempDir
    Path dir;

    @Test
    void everySampledPowerCutEndsOnTheNewImage() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            Fleet.Device clean = fleet.new Device(uri, "clean", "default", fleet.v1, 2);
            long before = clean.flash.counters().operations();
            assertEquals(OtaDevice.Outcome.INSTALLED, clean.ota.poll(clean.installed));
            long total = clean.flash.counters().operations() - before;
            assertTrue(total > 20, total + " flash operations in an update");
            Random r = new Random(22);
            long[] cuts = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) { // one sample in each sixth of the operations
                cuts[i] = i * total / SAMPLES + r.nextInt((int) (total / SAMPLES));
            }
            for (long cut : cuts) {
                Fleet.Device dev = fleet.new Device(uri, "cut-" + cut, "default", fleet.v1, 2);
                dev.flash.setFaults(FaultPlan.cutBefore(cut, false));
                assertThrows(PowerCutException.class, () -> dev.ota.poll(dev.installed), "cut before operation " + cut);
                dev.flash.setFaults(null);
                dev.ota.powerOn();
                boolean onNew = Arrays.equals(fleet.v2, dev.active(fleet.v2.length));
                OtaDevice.Installed now = onNew ? OtaDevice.Installed.of(3, fleet.v2) : dev.installed;
                OtaDevice.Outcome o = dev.ota.poll(now);
                assertEquals(onNew ? OtaDevice.Outcome.NOTHING_TO_DO : OtaDevice.Outcome.INSTALLED, o, "cut " + cut);
                assertArrayEquals(fleet.v2, dev.active(fleet.v2.length), "cut before operation " + cut + " of " + total);
            }
        }
    }
}
