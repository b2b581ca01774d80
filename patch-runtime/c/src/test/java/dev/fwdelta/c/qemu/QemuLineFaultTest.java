// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A faulty line between `fwdelta send` and the QEMU device (bytes dropped, bit-flipped and
 * duplicated both ways by {@link FaultyRelay}): the C session's CRC checks, NAKs and the host's
 * selective repeat (the C device holds frames after a gap), or go-back-N with a host that does not
 * offer it (`--go-back-n`, as a version-1 host), get the 16 KB v1 -> v3 patch through; the device
 * boots v3 and its slot is exact.
 */
class QemuLineFaultTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void updateCompletesThroughAFaultyLine(boolean selectiveRepeat) throws Exception {
        byte[] v3 = QemuFirmware.appBytes(3);
        Path patch = QemuPatches.signed(dir, 1, 3, 3);
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), QemuFirmware.appBytes(1));
        try (SocatPair pair = SocatPair.start(dir);
             QemuDevice device = QemuDevice.start(flash, dir.resolve("qemu.log"))) {
            assertEquals(1, device.awaitRunningVersion(30), device.log());
            Cli.Result r;
            long faults;
            long relayed;
            try (FaultyRelay relay = new FaultyRelay(pair.relayEnd(), device.pty(), 0.0001, 0.0001, 0.0001, 18)) {
                r = selectiveRepeat ? Cli.run("send", patch.toString(), "--port", pair.hostEnd(), "--json")
                        : Cli.run("send", patch.toString(), "--port", pair.hostEnd(), "--json", "--go-back-n");
                assertEquals(0, r.exit(), r.err() + device.log());
                assertTrue(device.awaitLog("app v3", 60), device.log());
                faults = relay.faults();
                relayed = relay.relayed();
            }
            String[] lines = r.out().strip().split("\n");
            JsonObject done = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
            long retransmitted = done.get("retransmitted_bytes").getAsLong();
            System.out.printf("faulty line to QEMU (%s): %d faults injected in %d relayed bytes, %d bytes retransmitted "
                    + "for a %d-byte patch, %d SACKs%n", selectiveRepeat ? "selective repeat" : "go-back-N", faults, relayed,
                    retransmitted, Files.size(patch), done.get("sacks").getAsLong());
            assertEquals(selectiveRepeat, done.get("selective_repeat").getAsBoolean(),
                    "the C device offers selective repeat in INFO; it is on only when the host offers it too: " + done);
            if (!selectiveRepeat) {
                assertEquals(0, done.get("sacks").getAsLong(), "no SACK to a host that did not ask: " + done);
            }
            // "installed" when the line lost the RESULT answering DONE and the device, come back,
            // ran v3 (docs/PROTOCOL.md, "A RESULT lost after DONE")
            String status = done.get("status").getAsString();
            assertTrue(status.equals("staged") || status.equals("installed"), "status: " + done);
            assertTrue(faults > 0, "the relay injected faults");
            assertTrue(retransmitted > 0, "faults cost retransmissions: " + done);
            assertEquals(3, device.awaitRunningVersion(30), device.log());
            QemuFirmware.assertStackMarks(device.log(), 1, 2);
        }
        assertArrayEquals(v3, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, v3.length), "active slot holds v3");
    }
}
