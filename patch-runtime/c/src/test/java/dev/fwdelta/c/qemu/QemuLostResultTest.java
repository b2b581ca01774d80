// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line loses the C device's RESULT answering DONE; the device resets, installs v3 and runs it
 * (docs/PROTOCOL.md, "A RESULT lost after DONE"). `fwdelta send` comes back, finds v3 running
 * where its BEGIN is refused with ROLLBACK, and ends with status `installed`, exit 0. Before, it
 * said "device refused the update: ROLLBACK" and exited 6 (CI met it through QemuLineFaultTest's
 * faulty line).
 */
class QemuLostResultTest {
    @TempDir
    Path dir;

    @Test
    void aLostAnswerToDoneEndsInstalledOnceTheDeviceRunsThePatchsFirmware() throws Exception {
        byte[] v3 = QemuFirmware.appBytes(3);
        Path patch = QemuPatches.signed(dir, 1, 3, 3);
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), QemuFirmware.appBytes(1));
        try (SocatPair pair = SocatPair.start(dir);
             QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertEquals(1, device.awaitRunningVersion(30), device.log());
            Cli.Result r;
            try (ResultLosingRelay relay = new ResultLosingRelay(pair.relayEnd(), device.pty())) {
                r = Cli.run("send", patch.toString(), "--port", pair.hostEnd(), "--json");
                assertEquals(1, relay.resultsLost(), "the relay lost the answer to DONE");
            }
            assertEquals(0, r.exit(), r.err() + device.log());
            String[] lines = r.out().strip().split("\n");
            JsonObject done = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
            assertEquals("installed", done.get("status").getAsString(), r.out());
            assertEquals("installed: the device runs firmware version 3 (its answer to DONE was lost)",
                    done.get("device").getAsString());
            assertTrue(done.get("reconnects").getAsLong() >= 1, "the lost answer lost the link: " + done);
            assertEquals(3, device.awaitRunningVersion(30), device.log());
            assertTrue(device.log().contains("app: update refused"), "the BEGIN after the lost RESULT: " + device.log());
        }
        assertArrayEquals(v3, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, v3.length), "active slot holds v3");
    }
}
