// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * manifest.json and the sizes it gives are untrusted: each is held to a named limit before a
 * byte is read or allocated for it. Found by a review of untrusted-input checks.
 */
class ReleaseManifestTest {
    @TempDir
    Path dir;

    private static ReleaseManifest.Entry entry(String file, long size) {
        return new ReleaseManifest.Entry("1", "1.bin", 4, "00", "2", file, size, "00", "lzma", 0, null, 1, "patch");
    }

    @Test
    void moreEntriesThanTheLimitAreRefused() throws Exception {
        StringBuilder json = new StringBuilder("{\"manifest_version\": 1, \"target\": {}, \"patches\": [{}");
        json.append(",{}".repeat(ReleaseManifest.MAX_PATCHES)).append("]}");
        Path manifest = Files.writeString(dir.resolve("manifest.json"), json);
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(manifest));
        assertEquals(manifest + ": bad value for the number of patches: 10001 (valid range 0..10000)", e.getMessage());
    }

    @Test
    void aManifestLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Path manifest = dir.resolve("manifest.json");
        try (RandomAccessFile f = new RandomAccessFile(manifest.toFile(), "rw")) {
            f.setLength(ReleaseManifest.MAX_MANIFEST_BYTES + 1); // sparse: no disk blocks
        }
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(manifest));
        assertEquals(manifest + ": 16777217 bytes; a release manifest has 0..16777216 bytes", e.getMessage());
    }

    @Test
    void aPatchSizePastTheLimitIsRefusedBeforeTheFileIsRead() throws Exception {
        Path patch = dir.resolve("1-to-2.fwd");
        long size = 3L << 30;
        try (RandomAccessFile f = new RandomAccessFile(patch.toFile(), "rw")) {
            f.setLength(size); // sparse, and of the size the manifest gives
        }
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.verifiedPatch(dir, entry("1-to-2.fwd",
                size)));
        assertEquals(patch + ": bad value for its manifest's size: 3221225472 (valid range 0..2147483638)",
                e.getMessage());
        e = assertThrows(IOException.class, () -> ReleaseManifest.verifiedPatch(dir, entry("1-to-2.fwd", -1)));
        assertEquals(patch + ": bad value for its manifest's size: -1 (valid range 0..2147483638)", e.getMessage());
    }

    /** A manifest as matrix writes it, with one entry, for the cases below to break. */
    private static JsonObject valid() {
        return JsonParser.parseString("""
                {"manifest_version": 1,
                 "target": {"version": "0.9.0", "file": "0.9.0.bin", "size": 23504,
                   "sha256": "70c2a1cac93a9180d193400954929ed8c7e3d01512b982cf3287bb03c4256fd3",
                   "firmware_version": "7", "hardware_id": "0x0000beef",
                   "build": "codec=auto ram_budget=16384 block_size=262144 address=none key=none"},
                 "shard": "1/1",
                 "olds": {"count": 1, "sha256": "1a4c53a1a1bbd6b52bd8d1c0c3bbfcd2e05fa52e2bd72b5e7a1e6f8c11ca3d3f"},
                 "patches": [{"from": "0.8.0", "from_file": "0.8.0.bin", "from_size": 23504,
                   "from_sha256": "ceda053c4ffb7a8a5a5c71d23cfe425d45c7e0dadca4190ebaa0022d5d759c99",
                   "to": "0.9.0", "file": "0.8.0-to-0.9.0.fwd", "size": 1048,
                   "sha256": "f66045adede6bac20d9530c1830e27d02f2d34bfe3687ebcedd0aeb828c70b18",
                   "codec": "split", "decoder_ram": 12724, "ratio": 0.0446, "ship": "patch"}]}
                """).getAsJsonObject();
    }

    private static JsonObject entry(JsonObject manifest) {
        return manifest.getAsJsonArray("patches").get(0).getAsJsonObject();
    }

    /** The message ReleaseManifest.read refuses {@code json} with, after the file name. */
    private String refusal(JsonObject json) throws IOException {
        Path manifest = Files.writeString(dir.resolve("manifest.json"), json.toString());
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(manifest));
        assertTrue(e.getMessage().startsWith(manifest + ": "), e.getMessage());
        return e.getMessage().substring(manifest.toString().length() + 2);
    }

    @Test
    void aValidManifestIsReadWithItsFields() throws Exception {
        Path manifest = Files.writeString(dir.resolve("manifest.json"), valid().toString());
        ReleaseManifest m = ReleaseManifest.read(manifest);
        assertEquals("0x0000beef", m.target().hardwareId());
        assertEquals("1/1", m.shard());
        assertEquals(1048, m.patches().get(0).size());
        assertEquals(null, m.patches().get(0).keyId());
    }

    @Test
    void aNullEntryIsRefusedNamingIt() throws Exception {
        JsonObject m = valid();
        m.getAsJsonArray("patches").add(JsonNull.INSTANCE);
        assertEquals("patches[1]: null, not an object", refusal(m));
    }

    @Test
    void anEmptyTargetIsRefusedNamingTheFirstMissingField() throws Exception {
        JsonObject m = valid();
        m.add("target", new JsonObject());
        assertEquals("target: missing field version", refusal(m));
        m.add("target", JsonNull.INSTANCE);
        assertEquals("target: null, not an object", refusal(m));
    }

    @Test
    void aMissingEntryFieldIsRefusedNamingIt() throws Exception {
        JsonObject m = valid();
        entry(m).remove("sha256");
        assertEquals("patches[0]: missing field sha256", refusal(m));
        m = valid();
        m.remove("shard");
        assertEquals("missing field shard", refusal(m));
        // What a merge checks its shards by: their build options and their --old list.
        m = valid();
        m.getAsJsonObject("target").remove("build");
        assertEquals("target: missing field build", refusal(m));
        m = valid();
        m.remove("olds");
        assertEquals("missing field olds", refusal(m));
        m = valid();
        m.getAsJsonObject("olds").remove("sha256");
        assertEquals("olds: missing field sha256", refusal(m));
        m = valid();
        m.getAsJsonObject("olds").addProperty("count", 10_001);
        assertEquals("olds.count: bad value 10001 (valid range 0..10000, a whole number)", refusal(m));
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedNamingIt() throws Exception {
        JsonObject m = valid();
        m.add("shard", JsonNull.INSTANCE);
        assertEquals("shard: null, not a string", refusal(m));
        m = valid();
        entry(m).addProperty("size", "1048");
        assertEquals("patches[0].size: a string, not a number", refusal(m));
        m = valid();
        entry(m).add("from", new JsonArray());
        assertEquals("patches[0].from: an array, not a string", refusal(m));
        m = valid();
        entry(m).addProperty("ship", "both");
        assertEquals("patches[0].ship: 'both' is neither \"patch\" nor \"full-image\"", refusal(m));
        m = valid();
        entry(m).addProperty("from_sha256", "ceda");
        assertEquals("patches[0].from_sha256: 'ceda' is not a SHA-256 (64 hex digits)", refusal(m));
    }

    /**
     * A field the manifest does not have (a typo, a note added by hand) is refused naming it: before,
     * it was dropped without a word, so a merge wrote a manifest without it.
     */
    @Test
    void anUnknownFieldIsRefusedNamingIt() throws Exception {
        JsonObject m = valid();
        entry(m).addProperty("keyid", "0123456789abcdef");
        assertEquals("patches[0]: unknown field keyid (an entry has from, from_file, from_size, from_sha256, to, file,"
                + " size, sha256, codec, decoder_ram, key_id, ratio, ship)", refusal(m));
        m = valid();
        m.getAsJsonObject("target").addProperty("notes", "x");
        assertEquals("target: unknown field notes (a target has version, file, size, sha256, firmware_version, "
                + "hardware_id, build)", refusal(m));
        m = valid();
        m.getAsJsonObject("olds").addProperty("list", "x");
        assertEquals("olds: unknown field list (olds has count, sha256)", refusal(m));
        m = valid();
        m.addProperty("release_notes", "x");
        assertEquals("unknown field release_notes (a manifest has manifest_version, target, shard, olds, patches)",
                refusal(m));
    }

    @Test
    void aShardThatIsNeitherMergedNorIOfNIsRefused() throws Exception {
        JsonObject m = valid();
        m.addProperty("shard", "5/2");
        String rule = "is neither \"merged\" nor i/n, two whole numbers written without sign or leading zero, with "
                + "1 <= i <= n <= 999999999 (as --shard takes it)";
        for (String bad : new String[] {"5/2", "0/2", "01/2", "+1/2", "1/1000000000"}) {
            m.addProperty("shard", bad);
            assertEquals("shard: '" + bad + "' " + rule, refusal(m));
        }
        for (String ok : new String[] {"merged", "2/2"}) {
            m.addProperty("shard", ok);
            Path manifest = Files.writeString(dir.resolve("manifest.json"), m.toString());
            assertEquals(ok, ReleaseManifest.read(manifest).shard());
        }
    }

    @Test
    void numbersOutsideTheirLimitsAreRefusedNamingTheRange() throws Exception {
        JsonObject m = valid();
        m.getAsJsonObject("target").addProperty("size", -1);
        assertEquals("target.size: bad value -1 (valid range 0..2147483638, a whole number)", refusal(m));
        m = valid();
        entry(m).addProperty("decoder_ram", 1L << 32);
        assertEquals("patches[0].decoder_ram: bad value 4294967296 (valid range 0..4294967295, a whole number)",
                refusal(m));
        m = valid();
        entry(m).addProperty("from_size", 1.5);
        assertEquals("patches[0].from_size: bad value 1.5 (valid range 0..2147483638, a whole number)", refusal(m));
        m = valid();
        m.getAsJsonObject("target").addProperty("hardware_id", "0x100000000");
        assertEquals("target.hardware_id: '0x100000000' is not a 32-bit hex number (0x00000000..0xffffffff)",
                refusal(m));
        m = valid();
        m.getAsJsonObject("target").addProperty("firmware_version", "18446744073709551616");
        assertEquals("target.firmware_version: '18446744073709551616' is not a number in 0..2^64-1", refusal(m));
    }

    /**
     * JSON that does not parse: the error was the parser's text as it came, a Java exception's
     * name first ("java.io.EOFException: End of input ..."), and for deep nesting a line as long
     * as the file (300,123 characters for 100,000 '['). Found by a review of the command line.
     */
    @Test
    void jsonThatDoesNotParseIsOneShortLineWithoutAnExceptionName() throws Exception {
        Path cut = Files.writeString(dir.resolve("cut.json"), "{\"manifest_version\":1,");
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(cut));
        assertTrue(e.getMessage().startsWith(cut + " is not a release manifest: End of input at line 1 column 23"),
                e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());

        Path deep = Files.writeString(dir.resolve("deep.json"), "[".repeat(100_000));
        e = assertThrows(IOException.class, () -> ReleaseManifest.read(deep));
        assertTrue(e.getMessage().length() < deep.toString().length() + 300, e.getMessage().length() + " characters");
        assertTrue(e.getMessage().endsWith(" more characters cut]"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
}
