// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.sim.NorFlash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C device as Cortex-M4 machine code in qemu-system-arm, updated from the Java host over its
 * UART: two real builds (v1, v2), `fwdelta diff` + `fwdelta sign`, `fwdelta send` to QEMU's pty;
 * the device stages, resets, its bootloader swaps the slots and starts v2, which reports itself.
 */
class QemuEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void v1IsUpdatedToV2OverTheUart() throws Exception {
        byte[] v1 = QemuFirmware.appBytes(1);
        byte[] v2 = QemuFirmware.appBytes(2);
        assertFalse(Arrays.equals(v1, v2), "v1 and v2 are different builds");
        // Recorded for the active slot (flash base 0 + 0x20000): the agent's load-address check passes.
        Path patch = QemuPatches.signed(dir, 1, 2, 2, "--address", "0x20000");
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), v1);
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertEquals(1, device.awaitRunningVersion(30), device.log());
            // The application measured exactly its own image at boot (app.ld's end of .data's load
            // image), so the agent takes the patch's base check from that measurement.
            assertTrue(device.awaitLog("app: running image bytes " + v1.length, 30), device.log());
            Cli.Result sent = Cli.run("send", patch.toString(), "--port", device.pty(), "--json");
            assertEquals(0, sent.exit(), sent.err() + sent.out() + device.log());
            assertTrue(sent.out().contains("\"status\":\"staged\""), sent.out());
            assertTrue(device.awaitLog("fwdelta qemu-m4 app v2", 60), device.log());
            assertEquals(2, device.awaitRunningVersion(30), device.log());
            assertTrue(device.log().contains("boot: new image on trial"), device.log());
            assertTrue(device.awaitLog("app: running image bytes " + v2.length, 30), device.log());
            // v2 reports its version over the UART too: INFO's installed firmware version.
            assertEquals(2, QemuInfo.installedVersion(device.pty()), device.log());
            // The stacks stayed within their bounds: the application's during the update (the
            // signature check, the apply), the bootloader's at v1's boot and during the install.
            int[] marks = QemuFirmware.assertStackMarks(device.log(), 1, 2);
            System.out.printf("QEMU stack high-water marks: application %d bytes (bound %d), bootloader %d (bound %d)%n",
                    marks[0], QemuFirmware.APP_STACK_BOUND, marks[1], QemuFirmware.BOOT_STACK_BOUND);
        }
        assertArrayEquals(v2, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, v2.length), "active slot holds v2");
        assertArrayEquals(v1, QemuFirmware.slot(flash, QemuFirmware.STAGING, v1.length),
                "staging slot holds v1 (for a revert)");
        // The Java bootloader reads the flash the C device wrote: install done, v2 confirmed.
        DeviceLayout layout = QemuPatches.layout();
        try (NorFlash java = NorFlash.file(layout.geometry(), flash)) {
            BootResult r = new Bootloader(layout, java).boot();
            assertEquals(BootResult.Image.NEW, r.image(), "Java reads the C device's logs");
            assertFalse(r.trial(), "the C application confirmed v2");
        }
    }

    @Test
    void imageStagedByTheJavaAgentIsInstalledByTheCBootloader() throws Exception {
        byte[] v1 = QemuFirmware.appBytes(1);
        byte[] v2 = QemuFirmware.appBytes(2);
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), v1);
        DeviceLayout layout = QemuPatches.layout();
        byte[] patch = Files.readAllBytes(QemuPatches.unsigned(dir, 1, 2, 2, "--block-size", "1024"));
        try (NorFlash java = NorFlash.file(layout.geometry(), flash)) {
            UpdateAgent agent = new UpdateAgent(layout, java, UpdatePolicy.ramOnly(16384));
            long from = agent.begin(patch);
            agent.receive(patch, (int) from, patch.length - (int) from);
            agent.finish();
        }
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertEquals(2, device.awaitRunningVersion(30), device.log());
            assertTrue(device.log().contains("boot: new image on trial"), device.log());
            QemuFirmware.assertStackMarks(device.log(), 0, 1);
        }
        assertArrayEquals(v2, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, v2.length), "active slot holds v2");
    }
}
