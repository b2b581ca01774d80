// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.bench.compare.CompareMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of the comparison harness on one small pair: every tool present (.ci/run installs
 * the peers), every patch round-trips, and the table, chart and JSON are written.
 */
class CompareSmokeTest {
    @Test
    void harnessOnOneSmallPair(@TempDir Path out) throws Exception {
        int code = new CommandLine(new CompareMain()).execute("--pair", "programmer", "--runs", "1", "--out",
                out.toString(), "--fwdelta-jar", System.getProperty("fwdelta.jar"), "--jvm-options",
                System.getProperty("fwdelta.jvmOptions"), "--corpus",
                System.getProperty("fwdelta.corpus"));
        assertEquals(0, code);
        // fwdelta ran as its launcher runs it, with the class-data archive the build made beside
        // the jar, and the report says how
        String how = Files.readString(out.resolve("results.md"));
        assertTrue(how.contains("fwdelta run as java -XX:TieredStopAtLevel=1"), how);
        assertTrue(how.contains("-XX:SharedArchiveFile=fwdelta.jsa -jar fwdelta.jar"), how);
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        var pair = json.getAsJsonArray("pairs").get(0).getAsJsonObject();
        assertEquals("programmer", pair.get("pair").getAsString());
        Set<String> ran = new HashSet<>();
        for (var t : pair.getAsJsonArray("tools")) {
            JsonObject tool = t.getAsJsonObject();
            String status = tool.get("status").getAsString();
            if (status.equals("reference")) {
                continue;
            }
            assertEquals("ok", status, tool.toString());
            assertTrue(tool.get("round_trip").getAsBoolean());
            assertTrue(tool.get("patch_size").getAsLong() > 0);
            assertTrue(tool.get("diff_seconds").getAsDouble() > 0);
            assertTrue(tool.get("diff_peak_kb").getAsLong() > 0);
            ran.add(tool.get("tool").getAsString());
        }
        assertEquals(Set.of("fwdelta", "fwdelta-split", "fwdelta-lzma", "fwdelta-lz77", "fwdelta-none", "bsdiff",
                "xdelta3", "zstd"), ran);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| programmer | 23504 |"), md);
        // HDiffPatch and detools quoted from the corpus README, and the geometric mean over the pair
        assertTrue(md.contains("hdiffz-best (quoted)") && md.contains("detools (quoted)"), md);
        assertTrue(md.contains("Geometric mean of fwdelta / best peer over the 1 pairs"), md);
        byte[] png = Files.readAllBytes(out.resolve("patch-sizes.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }
}
