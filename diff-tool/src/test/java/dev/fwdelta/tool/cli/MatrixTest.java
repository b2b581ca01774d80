package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.demo.DemoFirmware;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release pipeline: one patch per old version, manifest, shards and their merge, reproducibility. */
class MatrixTest {
    @TempDir
    Path dir;
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static JsonObject manifest(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject();
    }

    @Test
    void shardsMergeIntoTheFullMatrixAndBuildsAreReproducible() throws Exception {
        Path key = dir.resolve("release.pem");
        assertEquals(0, run("keygen", "-o", key.toString()));
        Path synth = Corpus.dir().resolve("synthesizer");
        Path unrelated = Files.write(dir.resolve("bootloader-x.bin"), DemoFirmware.generate(9)
                .oldImage());
        String[] common = {"--new", synth.resolve("3.bin").toString(), "--old", synth.resolve("1.bin").toString(),
            "--old", synth.resolve("2.bin").toString(), "--old", unrelated.toString(), "--key", key.toString(),
            "--firmware-version", "3"};
        Path full = dir.resolve("full");
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        Path merged = dir.resolve("merged");
        assertEquals(0, run(concat(common, "--out", full.toString())), err.toString());
        assertEquals(0, run(concat(common, "--out", s1.toString(), "--shard", "1/2")), err.toString());
        assertEquals(0, run(concat(common, "--out", s2.toString(), "--shard", "2/2")), err.toString());
        assertEquals(2, manifest(s1).getAsJsonArray("patches").size());
        assertEquals(1, manifest(s2).getAsJsonArray("patches").size());
        assertEquals(0, run("matrix", "--merge", s1.resolve("manifest.json").toString(),
                s2.resolve("manifest.json").toString(), "--out", merged.toString()), err.toString());

        JsonArray all = manifest(full).getAsJsonArray("patches");
        JsonArray m = manifest(merged).getAsJsonArray("patches");
        assertEquals(3, m.size());
        for (int i = 0; i < 3; i++) {
            JsonObject e = m.get(i).getAsJsonObject();
            String file = e.get("file").getAsString();
            // Same inputs and options: byte-identical patches, whichever job built them.
            assertArrayEquals(Files.readAllBytes(full.resolve(file)), Files.readAllBytes(merged.resolve(file)), file);
            assertTrue(e.get("key_id").getAsString().matches("[0-9a-f]{16}"));
            assertTrue(all.toString().contains(e.get("sha256").getAsString()));
        }
        // Sorted by version label: "1", "2", "bootloader-x".
        assertEquals("patch", m.get(0).getAsJsonObject().get("ship").getAsString());
        assertEquals("bootloader-x", m.get(2).getAsJsonObject().get("from").getAsString());
        assertEquals("3", manifest(merged).getAsJsonObject("target").get("firmware_version").getAsString());
    }

    @Test
    void patchNoSmallerThanTheImageSaysShipTheFullImage() throws Exception {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Path newImage = Files.write(dir.resolve("new.bin"), noise);
        new Random(2).nextBytes(noise);
        Path oldImage = Files.write(dir.resolve("old.bin"), noise);
        assertEquals(0, run("matrix", "--new", newImage.toString(), "--old", oldImage.toString(), "--out",
                dir.resolve("out").toString()), err.toString());
        JsonObject e = manifest(dir.resolve("out")).getAsJsonArray("patches").get(0).getAsJsonObject();
        assertTrue(e.get("size").getAsLong() >= 4096);
        assertEquals("full-image", e.get("ship").getAsString());
    }

    @Test
    void badShardIsAUsageError() {
        assertEquals(ExitCodes.USAGE, run("matrix", "--new", "a", "--old", "b", "--out", dir.toString(),
                "--shard", "3/2"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length + 1];
        out[0] = "matrix";
        System.arraycopy(a, 0, out, 1, a.length);
        System.arraycopy(b, 0, out, 1 + a.length, b.length);
        return out;
    }
}
