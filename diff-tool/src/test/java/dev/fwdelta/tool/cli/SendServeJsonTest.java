// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.transport.PtyPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** device serve --json and send --json over a socat pty pair (docs/CLI.md), both outputs parsed. */
class SendServeJsonTest {
    @TempDir
    Path dir;

    private static List<JsonObject> lines(StringWriter out) {
        return out.toString().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    @Test
    void serveAndSendSpeakJsonLines() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(11);
        Path old = Files.write(dir.resolve("old.bin"), pair.oldImage());
        byte[] patch = PatchBuilder.build(pair.oldImage(), pair.newImage(), BuildOptions.defaults()).patch();
        Path patchFile = Files.write(dir.resolve("update.fwd"), patch);
        try (PtyPair pty = new PtyPair(dir)) {
            StringWriter devOut = new StringWriter();
            StringWriter devErr = new StringWriter();
            CompletableFuture<Integer> device = CompletableFuture.supplyAsync(() -> {
                var cl = Main.commandLine();
                cl.setOut(new PrintWriter(devOut, true));
                cl.setErr(new PrintWriter(devErr, true));
                return cl.execute("device", "serve", "--port", pty.device.toString(), "--layout", "stm32f405-1m",
                        "--image", old.toString(), "--exit-after-update", "--json");
            });
            Thread.sleep(300);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(0, cl.execute("send", patchFile.toString(), "--port", pty.host.toString(), "--json"),
                    err + "\n" + devErr);
            assertEquals(0, device.get(30, TimeUnit.SECONDS), devErr.toString());
            System.out.println("send --json:\n" + out + "device serve --json:\n" + devOut);

            List<JsonObject> sent = lines(out);
            JsonObject firstProgress = sent.get(0);
            assertEquals("progress", firstProgress.get("event").getAsString());
            assertEquals("send", firstProgress.get("phase").getAsString());
            assertEquals(patch.length, firstProgress.get("total").getAsLong());
            JsonObject done = sent.get(sent.size() - 1);
            assertEquals("done", done.get("event").getAsString());
            assertEquals("staged", done.get("status").getAsString());
            assertEquals(patch.length, done.get("patch_bytes").getAsLong());
            assertTrue(done.get("started_at_offset").getAsLong() < patch.length);
            assertTrue(done.get("seconds").getAsJsonPrimitive().isNumber());

            List<JsonObject> served = lines(devOut);
            assertEquals("serving", served.get(0).get("event").getAsString());
            assertEquals(pty.device.toString(), served.get(0).get("port").getAsString());
            JsonObject staged = served.get(served.size() - 1);
            assertEquals("done", staged.get("event").getAsString());
            assertEquals(0, staged.get("device_resets").getAsInt());

            // docs/CLI.md's examples are these commands' output: the same fields, in the same order.
            assertEquals(List.copyOf(done.keySet()), List.copyOf(documented("fwdelta send", "done").keySet()));
            assertEquals(List.copyOf(staged.keySet()),
                    List.copyOf(documented("fwdelta device serve", "done").keySet()));
        }
    }

    /** The example {@code event} line of docs/CLI.md's section {@code ### heading}. */
    private static JsonObject documented(String heading, String event) throws Exception {
        String doc = Files.readString(Path.of("../docs/CLI.md"));
        int start = doc.indexOf("### " + heading + "\n");
        assertTrue(start >= 0, heading);
        int end = doc.indexOf("\n### ", start + 1);
        return doc.substring(start, end < 0 ? doc.length() : end).lines()
                .filter(l -> l.startsWith("{\"event\":\"" + event + "\""))
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .findFirst().orElseThrow(() -> new AssertionError("no " + event + " example under " + heading));
    }

    /**
     * A board id given to the simulated device, even 0, is checked as a device built with the C
     * library checks it: a patch for another board is refused before any flash write.
     */
    @Test
    void aHardwareIdOfZeroGivenToServeIsChecked() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(12);
        Path old = Files.write(dir.resolve("old.bin"), pair.oldImage());
        byte[] patch = PatchBuilder.build(pair.oldImage(), pair.newImage(), new BuildOptions(null,
                BuildOptions.DEFAULT_RAM_BUDGET, BuildOptions.DEFAULT_MAX_BLOCK_RAW, 1, 0xC0FFEE)).patch();
        Path patchFile = Files.write(dir.resolve("other-board.fwd"), patch);
        try (PtyPair pty = new PtyPair(dir)) {
            StringWriter devErr = new StringWriter();
            CompletableFuture<Integer> device = CompletableFuture.supplyAsync(() -> {
                var cl = Main.commandLine();
                cl.setOut(new PrintWriter(new StringWriter(), true));
                cl.setErr(new PrintWriter(devErr, true));
                return cl.execute("device", "serve", "--port", pty.device.toString(), "--layout", "stm32f405-1m",
                        "--image", old.toString(), "--hardware-id", "0");
            });
            Thread.sleep(300);
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(ExitCodes.REFUSED, cl.execute("send", patchFile.toString(), "--port", pty.host.toString()),
                    err + "\n" + devErr);
            assertTrue(err.toString().contains("WRONG_HARDWARE"), err.toString());
            device.cancel(true);
        }
    }
}
