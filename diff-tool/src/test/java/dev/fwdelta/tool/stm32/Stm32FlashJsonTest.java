// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stm32 flash --json against the AN3155 simulator (docs/CLI.md): chip, progress, done, parsed. */
class Stm32FlashJsonTest {
    @TempDir
    Path dir;

    @Test
    void flashWritesChipProgressAndDoneLines() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch());
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("g071"), pair.oldBytes())) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            assertEquals(0, cl.execute("stm32", "flash", "--port", chip.pty.host.toString(), "--parity", "none",
                    "--patch", patch.toString(), "--verify", "--recovery-dir", dir.resolve("copies").toString(),
                    "--json"), err.toString());
            List<JsonObject> lines = out.toString().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .toList();
            System.out.println("stm32 flash --json:\n" + out);
            JsonObject first = lines.get(0);
            assertEquals("chip", first.get("event").getAsString());
            assertEquals(Stm32Part.byName("g071").flashSize(), first.get("flash_size").getAsLong());
            assertTrue(lines.stream().anyMatch(l -> l.get("event").getAsString().equals("progress")), out.toString());
            JsonObject done = lines.get(lines.size() - 1);
            assertEquals("done", done.get("event").getAsString());
            assertEquals("BASE", done.get("start").getAsString());
            assertEquals(pair.newBytes().length, done.get("image_bytes").getAsLong());
            assertTrue(done.get("sectors_erased").getAsInt() <= done.get("sectors_in_image").getAsInt());
            assertTrue(done.get("verified").getAsBoolean());
            assertEquals(pair.newBytes().length, chip.content(pair.newBytes().length).length);
        }
    }
}
