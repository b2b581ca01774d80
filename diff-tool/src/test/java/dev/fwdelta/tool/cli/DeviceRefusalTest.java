// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sim.DeviceServer;
import dev.fwdelta.tool.sim.FaultSpec;
import dev.fwdelta.tool.transport.PtyPair;
import dev.fwdelta.tool.transport.SerialLink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that refuses an update is reported once: one error line naming the refusal's code one
 * time (it used to say it three times: the host's code, the status number and the device's own
 * message), and with --json one error object. Needs socat for the pseudo-terminal pair.
 */
class DeviceRefusalTest {
    private static final String LAYOUT = "stm32f405-1m";

    @TempDir
    Path dir;

    @Test
    void anUnsignedPatchRefusedByADeviceIsSaidOnce() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(3);
        Path key = dir.resolve("k.pem");
        KeyFiles.generate(SignatureAlgorithm.ED25519, key);
        Path patch = Files.write(dir.resolve("unsigned.fwd"),
                PatchBuilder.build(pair.oldImage(), pair.newImage(), BuildOptions.defaults()).patch());
        DeviceLayout layout = DeviceLayout.preset(LAYOUT);
        var flash = DeviceSimulator.provision(layout, pair.oldImage());
        var policy = new UpdatePolicy(1 << 20, new TrustStore(List.of(KeyFiles.readPublic(dir.resolve("k.pub.pem")))),
                -1, false, -1);
        try (PtyPair pty = new PtyPair(dir); SerialLink deviceEnd = SerialLink.open(pty.device.toString(), 115200)) {
            DeviceServer server = new DeviceServer(deviceEnd, FaultSpec.none(),
                    out -> new UartDevice(() -> new UpdateAgent(layout, flash, policy),
                            new DeviceInfo(1 << 20, 0, 0, LAYOUT), out),
                    () -> false);
            Thread device = new Thread(server);
            device.start();
            try {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                var cl = Main.commandLine();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                int code = cl.execute("send", patch.toString(), "--port", pty.host.toString(), "--json");
                assertEquals(ExitCodes.REFUSED, code, err.toString());
                List<String> lines = err.toString().lines().toList();
                assertEquals(1, lines.size(), err.toString());
                String line = lines.get(0);
                assertTrue(line.startsWith("fwdelta: error: device refused the update: UNSIGNED_PATCH ("), line);
                assertEquals(1, occurrences(line, "UNSIGNED_PATCH"), line);
                assertEquals(0, occurrences(line, "status"), line);

                List<String> json = out.toString().lines().toList();
                JsonObject error = JsonParser.parseString(json.get(json.size() - 1)).getAsJsonObject();
                assertEquals("error", error.get("event").getAsString());
                assertEquals(ExitCodes.REFUSED, error.get("exit_code").getAsInt());
                assertEquals("UNSIGNED_PATCH", error.get("error_code").getAsString());
                assertEquals(line.substring("fwdelta: error: ".length()), error.get("message").getAsString());
                assertEquals(0, flash.counters().operations(), "refused before any flash write");
            } finally {
                server.stop();
                device.join(2000);
            }
        }
    }

    private static int occurrences(String text, String word) {
        return text.split(word, -1).length - 1;
    }
}
