// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.server.device.OtaDevice;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device model hashes the image it runs for its check-in as a device does: from flash, a
 * piece at a time, never with a copy of the image in RAM (OtaDevice's budget: a 4 KiB receive
 * buffer, the header, an answer line beyond the agent's).
 */
class ActiveImageHashTest {
    @Test
    void theRunningImageIsHashedWithoutAnImageSizedBuffer() throws Exception {
        DeviceLayout layout = DeviceLayout.preset("stm32f405-1m");
        byte[] image = new byte[300 * 1024];
        new Random(7).nextBytes(image);
        var flash = DeviceSimulator.provision(layout, image);
        OtaDevice device = new OtaDevice(URI.create("http://127.0.0.1:9/"), "d", "s", 1, layout, flash,
                UpdatePolicy.ramOnly(16 * 1024));
        String expected = OtaDevice.Installed.of(1, image).sha256();
        device.activeSha256(image.length); // classes and the digest's first use, outside the count

        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        String measured = device.activeSha256(image.length);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;

        assertEquals(expected, measured);
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated to hash a " + image.length + "-byte image");
    }
}
