// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.image.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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

    /** v1/firmware.bin and v2/firmware.bin: two patches, each named with its old image's hash. */
    @Test
    void oldFilesWithTheSameNameGetDistinctPatches() throws Exception {
        Path synth = Corpus.dir().resolve("synthesizer");
        Path v1 = Files.createDirectories(dir.resolve("v1"));
        Path v2 = Files.createDirectories(dir.resolve("v2"));
        Files.copy(synth.resolve("1.bin"), v1.resolve("firmware.bin"));
        Files.copy(synth.resolve("2.bin"), v2.resolve("firmware.bin"));
        Path out = dir.resolve("out");
        assertEquals(0, run("matrix", "--new", synth.resolve("3.bin").toString(), "--old",
                v1.resolve("firmware.bin").toString(), "--old", v2.resolve("firmware.bin").toString(), "--out",
                out.toString()), err.toString());
        JsonArray patches = manifest(out).getAsJsonArray("patches");
        assertEquals(2, patches.size());
        Set<String> files = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            JsonObject e = patches.get(i).getAsJsonObject();
            String file = e.get("file").getAsString();
            assertTrue(file.matches("firmware-[0-9a-f]{12}-to-3\\.fwd"), file);
            assertTrue(e.get("from_sha256").getAsString().startsWith(file.substring(9, 21)), file);
            files.add(file);
        }
        assertEquals(2, files.size(), "two distinct patch files");
        for (int i = 0; i < 2; i++) {
            JsonObject e = patches.get(i).getAsJsonObject();
            // Each patch applies to the old image its manifest entry names by hash.
            Path old = hexSha(v1.resolve("firmware.bin")).equals(e.get("from_sha256").getAsString())
                    ? v1.resolve("firmware.bin") : v2.resolve("firmware.bin");
            assertEquals(0, run("apply", old.toString(), out.resolve(e.get("file").getAsString()).toString(), "-o",
                    dir.resolve("applied" + i + ".bin").toString()), err.toString());
            assertArrayEquals(Files.readAllBytes(synth.resolve("3.bin")), Files.readAllBytes(dir.resolve("applied" + i
                    + ".bin")));
        }
        assertEquals(ExitCodes.USAGE, run("matrix", "--new", synth.resolve("3.bin").toString(), "--old",
                v1.resolve("firmware.bin").toString(), "--old", v1.resolve("firmware.bin").toString(), "--out",
                dir.resolve("twice").toString()));
        assertTrue(err.toString().contains("same image as an earlier --old"), err.toString());
    }

    /**
     * An --old that is NEW itself (a copy under another name): a device running it needs no patch,
     * and a NEW-to-NEW entry in the manifest would offer it one. Refused before any output.
     */
    @Test
    void anOldThatIsTheNewImageIsRefused() throws Exception {
        Path synth = Corpus.dir().resolve("synthesizer");
        Path copy = dir.resolve("released.bin");
        Files.copy(synth.resolve("3.bin"), copy);
        Path out = dir.resolve("out");
        assertEquals(ExitCodes.USAGE, run("matrix", "--new", synth.resolve("3.bin").toString(), "--old",
                synth.resolve("1.bin").toString(), "--old", copy.toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("--old " + copy + " is the same image as --new"), err.toString());
        assertFalse(Files.exists(out), "no output directory for a refused matrix");
    }

    private static String hexSha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(p)));
    }

    @Test
    void mergeChecksEveryPatchAgainstItsManifest() throws Exception {
        Path synth = Corpus.dir().resolve("synthesizer");
        String[] common = {"--new", synth.resolve("3.bin").toString(), "--old", synth.resolve("1.bin").toString(),
            "--old", synth.resolve("2.bin").toString()};
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        assertEquals(0, run(concat(common, "--out", s1.toString(), "--shard", "1/2")), err.toString());
        assertEquals(0, run(concat(common, "--out", s2.toString(), "--shard", "2/2")), err.toString());
        Path p2 = s2.resolve("2-to-3.fwd");
        byte[] b = Files.readAllBytes(p2);
        b[b.length / 2] ^= 1;
        Files.write(p2, b);
        Path merged = dir.resolve("merged");
        assertEquals(ExitCodes.BAD_PATCH, run("matrix", "--merge", s1.resolve("manifest.json").toString(),
                s2.resolve("manifest.json").toString(), "--out", merged.toString()));
        assertTrue(err.toString().contains("2-to-3.fwd does not match its manifest"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertFalse(Files.exists(merged), "nothing merged, not even --out made, when one patch is bad");
    }

    /** A manifest edited by hand or damaged is one error line naming the file and the field, exit 5. */
    @Test
    void mergeRefusesAManifestWithANullEntry() throws Exception {
        String[] shards = buildTwoShards();
        Path m = Path.of(shards[0]);
        JsonObject json = manifest(m.getParent());
        json.getAsJsonArray("patches").set(0, JsonNull.INSTANCE);
        Files.writeString(m, json.toString());
        Path merged = dir.resolve("merged");
        assertEquals(ExitCodes.IO_ERROR, run("matrix", "--merge", shards[0], shards[1], "--out", merged.toString()));
        assertEquals("fwdelta: error: " + m + ": patches[0]: null, not an object", err.toString().strip());
        assertFalse(Files.exists(merged), "nothing merged");
    }

    /** Builds two small shards 1/2 and 2/2 of one release, in s1 and s2; their manifests. */
    private String[] buildTwoShards() throws Exception {
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        Random r = new Random(5);
        byte[] image = new byte[2048];
        r.nextBytes(image);
        Path newImage = Files.write(dir.resolve("new.bin"), image);
        image[7] ^= 1;
        Path old1 = Files.write(dir.resolve("old1.bin"), image);
        image[9] ^= 1;
        Path old2 = Files.write(dir.resolve("old2.bin"), image);
        String[] common = {"--new", newImage.toString(), "--old", old1.toString(), "--old", old2.toString()};
        assertEquals(0, run(concat(common, "--out", s1.toString(), "--shard", "1/2")), err.toString());
        assertEquals(0, run(concat(common, "--out", s2.toString(), "--shard", "2/2")), err.toString());
        err.getBuffer().setLength(0);
        return new String[] {s1.resolve("manifest.json").toString(), s2.resolve("manifest.json").toString()};
    }

    /** --merge copies patches as they are: an option that would build, sign or pick shards is refused, named. */
    @Test
    void mergeRefusesTheOptionsOfABuild() throws Exception {
        String[] shards = buildTwoShards();
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString()), err.toString());
        String[][] refused = {{"--key", key.toString()}, {"--shard", "5/2"}, {"--new", dir.resolve("new.bin").toString()},
            {"--old", dir.resolve("old1.bin").toString()}, {"--address", "0x8000000"}, {"--region", "0x0-0x1000"},
            {"--firmware-version", "99"}, {"--hardware-id", "7"}, {"--codec", "lz77"}, {"--ram-budget", "16384"},
            {"--block-size", "4096"}};
        Path merged = dir.resolve("merged");
        for (String[] option : refused) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, run("matrix", "--merge", shards[0], shards[1], "--out", merged.toString(),
                    option[0], option[1], "--json"), option[0]);
            assertEquals("fwdelta: error: " + option[0] + " does not go with --merge", err.toString().lines()
                    .findFirst().orElse("").replaceAll(":( a merge).*", ""), err.toString());
            assertEquals(1, err.toString().lines().count(), err.toString());
            assertFalse(Files.exists(merged), option[0]);
        }
    }

    @Test
    void mergeRefusesAMissingShardAndNamesIt() throws Exception {
        String[] shards = buildTwoShards();
        Path merged = dir.resolve("merged");
        assertEquals(ExitCodes.USAGE, run("matrix", "--merge", shards[0], "--out", merged.toString()));
        assertTrue(err.toString().startsWith("fwdelta: error: --merge is missing shard 2/2"), err.toString());
        assertFalse(Files.exists(merged));
        assertEquals(0, run("matrix", "--merge", shards[1], shards[0], "--out", merged.toString()), err.toString());
        assertEquals(2, manifest(merged).getAsJsonArray("patches").size());
    }

    /** --out DIR1 with DIR1/manifest.json among the merged: refused, shard 1's manifest untouched. */
    @Test
    void mergeRefusesAnOutputManifestThatIsAnInput() throws Exception {
        String[] shards = buildTwoShards();
        byte[] shard1 = Files.readAllBytes(Path.of(shards[0]));
        assertEquals(ExitCodes.USAGE, run("matrix", "--merge", shards[0], shards[1], "--out",
                dir.resolve("s1").toString()));
        assertTrue(err.toString().startsWith("fwdelta: error: the output " + dir.resolve("s1").resolve("manifest.json")
                + " is the input " + shards[0]), err.toString());
        assertArrayEquals(shard1, Files.readAllBytes(Path.of(shards[0])), "shard 1's manifest replaced");
    }

    /**
     * Every input is checked before the first patch is built: a last --old that is missing, not an
     * image, has regions to choose from, lies at another address than NEW or repeats an earlier one
     * fails the run with one line naming it, and no patch, manifest or --out is made. A shard
     * checks every --old, not only its own: shard 1 of 2 fails on shard 2's bad input too.
     */
    @Test
    void aBadOldImageFailsTheMatrixBeforeAnyPatchIsBuilt() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(4);
        Path good = Files.write(dir.resolve("v1.bin"), pair.oldImage());
        Path newBin = Files.write(dir.resolve("v2.bin"), pair.newImage());
        Path newHex = TestImages.hexAt(dir.resolve("v2.hex"), 0x0800_0000L, pair.newImage());
        Path goodHex = TestImages.hexAt(dir.resolve("v1.hex"), 0x0800_0000L, pair.oldImage());
        Path malformed = Files.writeString(dir.resolve("v0.hex"), ":10000000ZZ\n");
        String image = Files.readString(TestImages.hexAt(dir.resolve("image.hex"), 0x0800_0000L, pair.oldImage()));
        String uicr = Files.readString(TestImages.hexAt(dir.resolve("uicr.hex"), 0x1000_1000L, new byte[] {1, 2, 3, 4}));
        Path twoRegions = Files.writeString(dir.resolve("v0-uicr.hex"),
                image.substring(0, image.indexOf(":00000001FF")) + uicr);
        Path elsewhere = TestImages.hexAt(dir.resolve("v0-moved.hex"), 0x0802_0000L, pair.oldImage());
        Path copy = Files.write(dir.resolve("v1-again.bin"), pair.oldImage());
        Object[][] cases = {
            {newBin, good, dir.resolve("v0.bin"), ExitCodes.IO_ERROR},
            {newBin, good, dir.resolve("v0dir"), ExitCodes.IO_ERROR},
            {newBin, good, malformed, ExitCodes.USAGE},
            {newHex, goodHex, twoRegions, ExitCodes.USAGE},
            {newHex, goodHex, elsewhere, ExitCodes.USAGE},
            {newBin, good, copy, ExitCodes.USAGE}};
        Files.createDirectories(dir.resolve("v0dir"));
        Path out = dir.resolve("rel");
        for (Object[] c : cases) {
            for (String shard : new String[] {"1/1", "1/2"}) {
                String bad = c[2].toString();
                String what = bad + " in shard " + shard;
                err.getBuffer().setLength(0);
                StringWriter stdout = new StringWriter();
                var cl = Main.commandLine();
                cl.setOut(new PrintWriter(stdout, true));
                cl.setErr(new PrintWriter(err, true));
                int exit = cl.execute("matrix", "--new", c[0].toString(), "--old", c[1].toString(), "--old", bad,
                        "--out", out.toString(), "--shard", shard, "--json");
                assertEquals(c[3], exit, what + ": " + err);
                List<String> errors = err.toString().lines().filter(l -> l.startsWith("fwdelta: error: ")).toList();
                assertEquals(1, errors.size(), what + ": " + err);
                assertTrue(errors.get(0).contains(bad), what + ": " + err);
                assertFalse(stdout.toString().contains("\"event\":\"patch\""), what + ": a patch was built: " + stdout);
                assertFalse(Files.exists(out), what + ": --out was made");
            }
        }
        // The advice fits matrix, which has no --allow-move.
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run("matrix", "--new", newHex.toString(), "--old", elsewhere.toString(), "--out",
                out.toString()));
        assertEquals("fwdelta: error: --old " + elsewhere + ": OLD is at 0x08020000 and NEW at 0x08000000: matrix "
                + "builds no patch between images at different addresses (it has no --allow-move): make that one with "
                + "fwdelta diff --allow-move (see 'fwdelta matrix --help')", err.toString().strip());
    }

    @Test
    void aUsageErrorMakesNoOutputDirectory() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(ExitCodes.USAGE, run("matrix", "--new", "a", "--old", "b", "--out", out.toString(),
                "--shard", "0/0"));
        assertEquals(ExitCodes.USAGE, run("matrix", "--old", "b", "--out", out.toString()));
        assertFalse(Files.exists(out), "--out made before the usage error");
    }

    @Test
    void mergeOfAnotherReleaseNamesTheDifference() throws Exception {
        Path synth = Corpus.dir().resolve("synthesizer");
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        assertEquals(0, run("matrix", "--new", synth.resolve("3.bin").toString(), "--old",
                synth.resolve("1.bin").toString(), "--out", s1.toString(), "--firmware-version", "7"), err.toString());
        assertEquals(0, run("matrix", "--new", synth.resolve("3.bin").toString(), "--old",
                synth.resolve("2.bin").toString(), "--out", s2.toString(), "--firmware-version", "8"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run("matrix", "--merge", s1.resolve("manifest.json").toString(),
                s2.resolve("manifest.json").toString(), "--out", dir.resolve("m").toString()));
        assertTrue(err.toString().contains("firmware_version (8, not 7)"), err.toString());
    }

    /** The inputs of buildTwoShards, as matrix options. */
    private String[] twoOlds() {
        return new String[] {"--new", dir.resolve("new.bin").toString(), "--old", dir.resolve("old1.bin").toString(),
            "--old", dir.resolve("old2.bin").toString()};
    }

    /** The names and bytes of every file in {@code out}. */
    private static Map<String, String> contents(Path out) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (var entries = Files.list(out)) {
            for (Path p : entries.toList()) {
                files.put(p.getFileName().toString(), HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    /**
     * A shard's --out holding another shard's output (or another release's) is refused before
     * anything is built, naming the directory and what differs; what it holds stays as it was.
     * Shards of one release each need their own --out: they all write manifest.json.
     */
    @Test
    void anOutHoldingAnotherMatrixIsRefused() throws Exception {
        String[] shards = buildTwoShards();
        Path s1 = Path.of(shards[0]).getParent();
        var before = contents(s1);
        assertEquals(ExitCodes.USAGE, run(concat(twoOlds(), "--out", s1.toString(), "--shard", "2/2")));
        assertEquals(List.of("fwdelta: error: --out " + s1 + " holds the manifest.json of another matrix: shard (1/2, "
                + "not 2/2): give each release, and each --shard of one, a new or empty --out (a run again into its "
                + "own --out replaces its files) (see 'fwdelta matrix --help')"), err.toString().lines().toList());
        assertEquals(before, contents(s1));
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run(concat(twoOlds(), "--out", s1.toString(), "--shard", "1/2",
                "--firmware-version", "9")));
        assertTrue(err.toString().startsWith("fwdelta: error: --out " + s1 + " holds the manifest.json of another "
                + "matrix: firmware_version (0, not 9): "), err.toString());
        assertEquals(before, contents(s1));
        // the same build again into its own --out: its files are replaced, byte-identical
        assertEquals(0, run(concat(twoOlds(), "--out", s1.toString(), "--shard", "1/2")), err.toString());
        assertEquals(before, contents(s1));
    }

    /** An --out holding files this run would not write (no manifest among them) is refused, naming them. */
    @Test
    void anOutHoldingOtherFilesIsRefused() throws Exception {
        String[] shards = buildTwoShards();
        Path s2 = Path.of(shards[1]).getParent();
        Path out = Files.createDirectory(dir.resolve("release"));
        Files.writeString(out.resolve("notes.txt"), "v5 release notes\n");
        assertEquals(ExitCodes.USAGE, run("matrix", "--merge", shards[0], shards[1], "--out", out.toString()));
        assertTrue(err.toString().startsWith("fwdelta: error: --out " + out + " holds notes.txt: "), err.toString());
        Files.delete(Path.of(shards[1]));
        for (Path target : List.of(s2, out)) {
            err.getBuffer().setLength(0);
            var before = contents(target);
            assertEquals(ExitCodes.USAGE, run(concat(twoOlds(), "--out", target.toString(), "--shard", "1/2")));
            String held = target == out ? "notes.txt" : "old2-to-new.fwd";
            assertEquals(List.of("fwdelta: error: --out " + target + " holds " + held + ": this matrix does not write "
                    + "them: give each release, and each --shard of one, a new or empty --out (a run again into its "
                    + "own --out replaces its files) (see 'fwdelta matrix --help')"), err.toString().lines().toList());
            assertEquals(before, contents(target));
        }
        assertEquals(ExitCodes.IO_ERROR, run(concat(twoOlds(), "--out", dir.resolve("no").resolve("out").toString())));
        assertFalse(Files.exists(dir.resolve("no")), "--out's parent made");
    }

    /**
     * A hard kill leaves AtomicOutput's temporaries of the run's own names (manifest.json, a patch):
     * the same build again into that --out removes them; a temporary of a name it does not write is
     * refused as any other file.
     */
    @Test
    void leftoverTemporariesOfItsOwnFilesAreRemovedOthersRefused() throws Exception {
        String[] shards = buildTwoShards();
        Path s1 = Path.of(shards[0]).getParent();
        var before = contents(s1);
        Path manifestPart = Files.writeString(s1.resolve(".manifest.json.k3j2.part"), "{\"ver");
        Path patchPart = Files.write(s1.resolve(".old1-to-new.fwd.0.part"), new byte[] {9});
        assertEquals(0, run(concat(twoOlds(), "--out", s1.toString(), "--shard", "1/2")), err.toString());
        assertFalse(Files.exists(manifestPart), "the killed run's manifest temporary is still there");
        assertFalse(Files.exists(patchPart), "the killed run's patch temporary is still there");
        assertEquals(before, contents(s1));

        Path other = Files.writeString(s1.resolve(".other.abc.part"), "x");
        assertEquals(ExitCodes.USAGE, run(concat(twoOlds(), "--out", s1.toString(), "--shard", "1/2")));
        assertEquals(List.of("fwdelta: error: --out " + s1 + " holds .other.abc.part: this matrix does not write "
                + "them: give each release, and each --shard of one, a new or empty --out (a run again into its "
                + "own --out replaces its files) (see 'fwdelta matrix --help')"), err.toString().lines().toList());
        assertEquals("x", Files.readString(other));
    }

    /** A merge again into its own --out replaces its files; into a shard's output it is refused. */
    @Test
    void aMergeAgainIntoItsOwnOutIsTaken() throws Exception {
        String[] shards = buildTwoShards();
        Path merged = dir.resolve("merged");
        assertEquals(0, run("matrix", "--merge", shards[0], shards[1], "--out", merged.toString()), err.toString());
        var before = contents(merged);
        assertEquals(0, run("matrix", "--merge", shards[1], shards[0], "--out", merged.toString()), err.toString());
        assertEquals(before, contents(merged));
        assertEquals(ExitCodes.USAGE, run(concat(twoOlds(), "--out", merged.toString())));
        assertTrue(err.toString().contains(" holds the manifest.json of another matrix: shard (merged, not 1/1)"),
                err.toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length + 1];
        out[0] = "matrix";
        System.arraycopy(a, 0, out, 1, a.length);
        System.arraycopy(b, 0, out, 1 + a.length, b.length);
        return out;
    }
}
