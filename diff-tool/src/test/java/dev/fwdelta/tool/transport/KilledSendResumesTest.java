// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.DeviceServer;
import dev.fwdelta.tool.sim.FaultSpec;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta send} killed (SIGKILL) in the middle of a transfer over a socat pty pair, the
 * device still powered: the next {@code fwdelta send} starts at the byte count the device had
 * acknowledged, not at the agent's last block checkpoint in flash (where a reset resumes).
 */
class KilledSendResumesTest {
    private static final String LAYOUT = "stm32f405-1m";
    private static final UpdatePolicy POLICY = UpdatePolicy.ramOnly(BuildOptions.DEFAULT_RAM_BUDGET);

    @TempDir
    Path dir;

    @Test
    void secondSendStartsAtTheAcknowledgedByteCount() throws Exception {
        Corpus.Pair pair = Corpus.pair("pyb-release");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        PatchHeader header = PatchHeader.parse(patch);
        assertTrue(patch.length > 8000, "long enough to kill mid-transfer: " + patch.length);
        Path patchFile = Files.write(dir.resolve("update.fwd"), patch);
        DeviceLayout layout = DeviceLayout.preset(LAYOUT);
        NorFlash flash = DeviceSimulator.provision(layout, pair.oldBytes());
        AtomicLong lastAck = new AtomicLong(-1);
        try (PtyPair pty = new PtyPair(dir); SerialLink deviceEnd = SerialLink.open(pty.device.toString(), 115200)) {
            DeviceServer server = new DeviceServer(deviceEnd, FaultSpec.none(),
                    out -> new UartDevice(() -> new UpdateAgent(layout, flash, POLICY),
                            new DeviceInfo(POLICY.ramBudget(), 0, 0, LAYOUT), (b, off, len) -> {
                                if ((b[off + 1] & 0xFF) == FrameType.ACK.code()) { // the frame's type byte
                                    lastAck.set(LittleEndian.u32(b, off + Frame.HEADER));
                                }
                                out.send(b, off, len);
                            }),
                    () -> false);
            Thread device = new Thread(server);
            device.start();
            try {
                Process first = new ProcessBuilder(javaCommand(), "-cp", System.getProperty("java.class.path"),
                        Main.class.getName(), "send", patchFile.toString(), "--port", pty.host.toString(), "--throttle")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
                long killAt = patch.length / 2;
                long deadline = System.currentTimeMillis() + 60_000;
                while (lastAck.get() < killAt && first.isAlive() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(5);
                }
                first.destroyForcibly();
                assertTrue(first.waitFor(10, TimeUnit.SECONDS));
                long acked = quietAck(lastAck);
                assertTrue(acked > header.size() && acked < patch.length, "killed mid-transfer at " + acked + " of "
                        + patch.length + "; first send: " + Files.readString(dir.resolve("first.log")));
                long checkpoint = new UpdateAgent(layout, flash, POLICY).resumeOffset(); // where a reboot resumes
                assertTrue(checkpoint < acked, "checkpoint " + checkpoint + " is behind the acknowledged " + acked);

                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                var cl = Main.commandLine();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                assertEquals(0, cl.execute("send", patchFile.toString(), "--port", pty.host.toString(), "--throttle",
                        "--json"), err.toString());
                String[] lines = out.toString().strip().split("\n");
                JsonObject done = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
                System.out.printf("send killed at %d acknowledged bytes of %d (checkpoint %d); the next send started "
                        + "at %d%n", acked, patch.length, checkpoint, done.get("started_at_offset").getAsLong());
                assertEquals(acked, done.get("started_at_offset").getAsLong(), "second send's start offset");
                byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) layout.staging().offset(),
                        (int) layout.staging().offset() + pair.newBytes().length);
                assertArrayEquals(pair.newBytes(), staged, "staged image");
            } finally {
                server.stop();
                device.join(2000);
            }
        }
    }

    /** The device's last ACK once it has stopped acknowledging (frames the killed host wrote may still arrive). */
    private static long quietAck(AtomicLong lastAck) throws InterruptedException {
        long seen;
        do {
            seen = lastAck.get();
            Thread.sleep(500);
        } while (lastAck.get() != seen);
        return seen;
    }

    private static String javaCommand() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
