// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge checks each patch's header against its manifest, not only the file's size and SHA-256
 * (which an edit of the manifest keeps in step). Found by a review of the release pipeline: a
 * manifest edited by hand (an entry's to, from_size, from_sha256 or key_id, the target's sha256,
 * size, hardware_id or firmware_version) merged, exit 0, into a release that described its patches
 * wrongly: a device, a server or a CDN trusting the manifest got a patch for another image.
 */
class MergePatchHeaderTest {
    @TempDir
    Path dir;

    private CliFixture f;
    private Path manifest;
    private String built;

    @BeforeEach
    void wholeBuild() throws Exception {
        f = new CliFixture(dir);
        Path out = dir.resolve("s1");
        assertEquals(ExitCodes.OK, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", f.oldBin.toString(),
                "--out", out.toString(), "--firmware-version", "7", "--hardware-id", "0x1234"), f.cli.err());
        manifest = out.resolve("manifest.json");
        built = Files.readString(manifest);
    }

    /** The merge's exit and error line once {@code edit} is made to the built manifest. */
    private String mergeAfter(Consumer<JsonObject> edit) throws Exception {
        JsonObject json = JsonParser.parseString(built).getAsJsonObject();
        edit.accept(json);
        Files.writeString(manifest, json.toString());
        int exit = f.cli.run("matrix", "--merge", manifest.toString(), "--out", dir.resolve("merged").toString());
        assertFalse(Files.exists(dir.resolve("merged")));
        return exit + " " + f.errorLine();
    }

    private static JsonObject entry(JsonObject m) {
        return m.getAsJsonArray("patches").get(0).getAsJsonObject();
    }

    private static JsonObject target(JsonObject m) {
        return m.getAsJsonObject("target");
    }

    @Test
    void anEntryWhoseToIsNotTheTargetIsRefused() throws Exception {
        assertEquals("5 " + manifest + ": patches[0].to: 'other' is not the target's version 'new'",
                mergeAfter(m -> entry(m).addProperty("to", "other")));
    }

    @Test
    void anEditedManifestThatNoLongerDescribesItsPatchIsRefused() throws Exception {
        String oldSha = entry(JsonParser.parseString(built).getAsJsonObject()).get("from_sha256").getAsString();
        String newSha = target(JsonParser.parseString(built).getAsJsonObject()).get("sha256").getAsString();
        long oldSize = Files.size(f.oldBin);
        long newSize = Files.size(f.newBin);
        String other = "ab".repeat(32);
        String file = manifest.resolveSibling("old-to-new.fwd").toString();
        String start = "3 " + manifest + ": patches[0]: the header of " + file + " gives ";
        assertEquals(start + "from_size " + oldSize + ", the manifest 5",
                mergeAfter(m -> entry(m).addProperty("from_size", 5)));
        // matrix's patches record the first 16 bytes of the old image's SHA-256 (FORMAT.md, SHA_ONLY)
        assertEquals(start + "from_sha256 " + oldSha.substring(0, 32) + " (its first 16 bytes), the manifest " + other,
                mergeAfter(m -> entry(m).addProperty("from_sha256", other)));
        assertEquals(start + "target.size " + newSize + ", the manifest 5",
                mergeAfter(m -> target(m).addProperty("size", 5)));
        assertEquals(start + "target.sha256 " + newSha + ", the manifest " + other,
                mergeAfter(m -> target(m).addProperty("sha256", other)));
        assertEquals(start + "target.firmware_version 7, the manifest 8",
                mergeAfter(m -> target(m).addProperty("firmware_version", "8")));
        assertEquals(start + "target.hardware_id 0x00001234, the manifest 0x00001235",
                mergeAfter(m -> target(m).addProperty("hardware_id", "0x00001235")));
        assertEquals(start + "key_id none (not signed), the manifest 0123456789abcdef",
                mergeAfter(m -> entry(m).addProperty("key_id", "0123456789abcdef")));
    }

    @Test
    void aSignedPatchWhoseKeyIdWasRemovedIsRefused() throws Exception {
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path out = dir.resolve("signed");
        assertEquals(ExitCodes.OK, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", f.oldBin.toString(),
                "--out", out.toString(), "--key", f.key().toString()), f.cli.err());
        manifest = out.resolve("manifest.json");
        built = Files.readString(manifest);
        String keyId = entry(JsonParser.parseString(built).getAsJsonObject()).get("key_id").getAsString();
        assertEquals("3 " + manifest + ": patches[0]: the header of " + manifest.resolveSibling("old-to-new.fwd")
                + " gives key_id " + keyId + ", the manifest none (not signed)",
                mergeAfter(m -> entry(m).remove("key_id")));
    }
}
