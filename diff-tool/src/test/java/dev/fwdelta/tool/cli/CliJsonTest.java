// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.tool.demo.DemoFirmware;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command's --json output (docs/CLI.md), read back with a JSON parser: one JSON object per
 * line, the last one the result ("done") or the error ("error"), numbers as numbers.
 */
class CliJsonTest {
    /** Commands without --json, each justified in docs/CLI.md. */
    private static final Set<String> WITHOUT_JSON = Set.of("fwdelta help");

    @TempDir
    Path dir;
    private final CliRunner cli = new CliRunner();
    private Path oldBin;
    private Path newBin;
    private Path patch;

    @BeforeEach
    void images() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(7);
        oldBin = Files.write(dir.resolve("old.bin"), pair.oldImage());
        newBin = Files.write(dir.resolve("new.bin"), pair.newImage());
        patch = dir.resolve("update.fwd");
    }

    private int run(String... args) {
        return cli.run(args);
    }

    /** Every line of standard output, each parsed as a JSON object (a line that is not one fails). */
    private List<JsonObject> lines() {
        List<JsonObject> objects = new ArrayList<>();
        for (String line : cli.out().split("\n")) {
            if (!line.isBlank()) {
                objects.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        assertFalse(objects.isEmpty(), "no JSON on standard output; stderr: " + cli.err());
        return objects;
    }

    /** The last line, which must be the result. */
    private JsonObject done() {
        List<JsonObject> all = lines();
        JsonObject last = all.get(all.size() - 1);
        assertEquals("done", last.get("event").getAsString(), last.toString());
        return last;
    }

    private static long number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        assertTrue(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber(), key + " in " + o);
        return e.getAsLong();
    }

    private void diff(String... extra) {
        List<String> args = new ArrayList<>(List.of("diff", oldBin.toString(), newBin.toString(), "-o",
                patch.toString(), "--firmware-version", "42", "--hardware-id", "0xC0FFEE", "--json"));
        args.addAll(List.of(extra));
        assertEquals(0, run(args.toArray(String[]::new)), cli.err());
    }

    @Test
    void everyCommandHasJson() {
        List<String> missing = new ArrayList<>();
        walk(Main.commandLine(), missing);
        assertEquals(List.of(), missing, "commands without --json (justify them in docs/CLI.md)");
    }

    private static void walk(CommandLine cl, List<String> missing) {
        String name = cl.getCommandSpec().qualifiedName();
        boolean hasSubcommands = !cl.getSubcommands().isEmpty();
        if (!hasSubcommands && !WITHOUT_JSON.contains(name) && cl.getCommandSpec().findOption("--json") == null) {
            missing.add(name);
        }
        for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
            walk(sub.getValue(), missing);
        }
    }

    @Test
    void diffApplyInspect() throws Exception {
        diff();
        JsonObject d = done();
        assertEquals(Files.size(patch), number(d, "patch_size"));
        assertEquals(Files.size(newBin), number(d, "new_size"));
        assertEquals("fwdelta", d.get("format").getAsString());
        assertTrue(number(d, "decoder_ram") > 0);
        assertFalse(d.get("signed").getAsBoolean());

        Path result = dir.resolve("result.bin");
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", result.toString(), "--json"),
                cli.err());
        JsonObject a = done();
        assertEquals(Files.size(newBin), number(a, "new_size"));
        assertTrue(number(a, "blocks") >= 1);
        assertTrue(a.get("verified").getAsBoolean());

        assertEquals(0, run("inspect", patch.toString(), "--json"));
        JsonObject i = done();
        assertEquals(42, number(i, "firmware_version"));
        assertEquals(0xC0FFEE, number(i, "hardware_id"));
        assertEquals(Files.size(patch), number(i, "patch_size"));
        assertTrue(i.get("ratio").getAsJsonPrimitive().isNumber());
        // flag SHA_ONLY: the first 16 bytes of the old image's SHA-256, no CRC-32s
        assertEquals(HexFormat.of().formatHex(ImageChecksums.of(Files.readAllBytes(oldBin)).sha256()).substring(0, 32),
                i.get("old_sha256").getAsString());
        assertEquals(HexFormat.of().formatHex(ImageChecksums.of(Files.readAllBytes(newBin)).sha256()),
                i.get("new_sha256").getAsString());
        assertTrue(i.get("old_crc32").isJsonNull() && i.get("new_crc32").isJsonNull(), i.toString());
    }

    @Test
    void bsdiff40DiffAndApply() throws Exception {
        assertEquals(0, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(), "--format",
                "bsdiff40", "--json"), cli.err());
        assertEquals("BSDIFF40", done().get("format").getAsString());
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", dir.resolve("r").toString(),
                "--json"), cli.err());
        JsonObject a = done();
        assertEquals("BSDIFF40", a.get("patch_format").getAsString());
        assertFalse(a.get("verified").getAsBoolean());
    }

    @Test
    void anUnsignedPatchHasNoPayloadHashToCheck() {
        diff();
        assertEquals(0, run("inspect", patch.toString(), "--json"));
        JsonObject i = done();
        assertTrue(i.has("payload_sha256") && i.get("payload_sha256").isJsonNull(), i.toString());
        assertFalse(i.has("payload_sha256_ok"), i.toString());
        assertEquals(0, run("inspect", patch.toString()));
        assertFalse(cli.out().contains("payload_sha256_ok"), cli.out());
        assertTrue(cli.out().contains("not recorded"), cli.out());
        assertTrue(cli.out().contains("0x00c0ffee"), "text shows the board id in hex: " + cli.out());
    }

    /**
     * Signing a signed patch replaces its signature, never silently: the text line and the JSON's
     * replaced_key_id name the key id of the signature that was there.
     */
    @Test
    void signingASignedPatchNamesTheKeyItReplaced() throws Exception {
        Path first = dir.resolve("first.pem");
        Path second = dir.resolve("second.pem");
        assertEquals(0, run("keygen", "-o", first.toString(), "--json"), cli.err());
        String firstId = done().get("key_id").getAsString();
        assertEquals(0, run("keygen", "-o", second.toString(), "--json"), cli.err());
        String secondId = done().get("key_id").getAsString();
        diff();
        assertEquals(0, run("sign", patch.toString(), "--key", first.toString()), cli.err());
        assertFalse(cli.out().contains("replaced"), "nothing replaced on an unsigned patch: " + cli.out());
        assertEquals(0, run("sign", patch.toString(), "--key", second.toString()), cli.err());
        assertEquals(List.of("signed " + patch + ": Ed25519, key id " + secondId
                + " (replaced the signature of key id " + firstId + ")"), cli.out().lines().toList());
        assertEquals(0, run("sign", patch.toString(), "--key", first.toString(), "--json"), cli.err());
        JsonObject s = done();
        assertEquals(firstId, s.get("key_id").getAsString());
        assertEquals(secondId, s.get("replaced_key_id").getAsString());
    }

    @Test
    void keygenSignVerify() throws Exception {
        Path key = dir.resolve("k.pem");
        assertEquals(0, run("keygen", "-o", key.toString(), "--json"), cli.err());
        JsonObject k = done();
        assertEquals("Ed25519", k.get("algorithm").getAsString());
        assertEquals(dir.resolve("k.pub.pem").toString(), k.get("public_key").getAsString());
        String keyId = k.get("key_id").getAsString();
        assertTrue(keyId.matches("[0-9a-f]+"), keyId);

        diff();
        assertEquals(0, run("sign", patch.toString(), "--digest-only", "--json"), cli.err());
        JsonObject digest = done();
        assertEquals(64, digest.get("sha256").getAsString().length());
        assertTrue(digest.get("message_out").isJsonNull(), digest.toString());

        assertEquals(0, run("sign", patch.toString(), "--key", key.toString(), "--json"), cli.err());
        JsonObject s = done();
        assertEquals(keyId, s.get("key_id").getAsString());
        assertEquals("key", s.get("mode").getAsString());
        assertTrue(s.get("replaced_key_id").isJsonNull(), "an unsigned patch had no signature to replace: " + s);

        assertEquals(0, run("verify", patch.toString(), "--trust", dir.resolve("k.pub.pem").toString(), "--json"),
                cli.err());
        JsonObject v = done();
        assertTrue(v.get("signature_ok").getAsBoolean());
        assertTrue(v.get("payload_sha256_ok").getAsBoolean());
        assertEquals(42, number(v, "firmware_version"));
        assertEquals(0xC0FFEE, number(v, "hardware_id"));

        assertEquals(0, run("inspect", patch.toString(), "--json"));
        assertTrue(done().get("payload_sha256_ok").getAsBoolean(), "a signed patch records its payload hash");
    }

    @Test
    void matrixWritesOneLinePerPatchThenTheResult() throws Exception {
        Path out1 = dir.resolve("rel");
        assertEquals(0, run("matrix", "--new", newBin.toString(), "--old", oldBin.toString(), "--out",
                out1.toString(), "--json"), cli.err());
        List<JsonObject> all = lines();
        assertEquals(2, all.size(), all.toString());
        assertEquals("patch", all.get(0).get("event").getAsString());
        assertEquals("old-to-new.fwd", all.get(0).get("file").getAsString());
        assertEquals(Files.size(out1.resolve("old-to-new.fwd")), number(all.get(0), "size"));
        assertEquals(1, number(done(), "patches"));

        Path merged = dir.resolve("merged");
        assertEquals(0, run("matrix", "--merge", out1.resolve("manifest.json").toString(), "--out",
                merged.toString(), "--json"), cli.err());
        JsonObject m = done();
        assertEquals(1, number(m, "merged_manifests"));
        assertEquals("merged", m.get("shard").getAsString());
    }

    @Test
    void deviceSimulateAndItsPowerCutProgress() {
        diff();
        assertEquals(0, run("device", "simulate", "--layout", "stm32f405-1m", "--old", oldBin.toString(), "--patch",
                patch.toString(), "--json"), cli.err());
        JsonObject s = done();
        assertEquals("NEW_CONFIRMED", s.get("ending").getAsString());
        assertTrue(s.get("boots").isJsonArray());
        assertTrue(number(s, "flash_operations") > 0);

        assertEquals(0, run("device", "simulate", "--layout", "stm32f405-1m", "--old", oldBin.toString(), "--patch",
                patch.toString(), "--power-cut", "random:3", "--json"), cli.err());
        List<JsonObject> all = lines();
        List<JsonObject> progress = all.stream().filter(o -> o.get("event").getAsString().equals("progress")).toList();
        // the first run and the last are always reported, whatever the clock says
        assertTrue(progress.size() >= 2, all.toString());
        assertEquals(1, number(progress.get(0), "done"));
        JsonObject last = progress.get(progress.size() - 1);
        assertEquals(3, number(last, "done"));
        assertEquals(3, number(last, "total"));
        assertEquals("runs", last.get("unit").getAsString());
        assertEquals(3, number(done(), "cut_points_tried"));
    }

    @Test
    void exportDfuAndDemo() throws Exception {
        Path dfu = dir.resolve("x.dfu");
        assertEquals(0, run("stm32", "export-dfu", newBin.toString(), "-o", dfu.toString(), "--json"), cli.err());
        JsonObject e = done();
        assertEquals(0x08000000L, number(e, "address"));
        assertEquals(Files.size(dfu), number(e, "dfu_size"));
        assertEquals(0x0483, number(e, "vid"));

        assertEquals(0, run("demo", "--json"), cli.err());
        JsonObject d = done();
        assertTrue(number(d, "patch_size") < number(d, "new_size"));
        assertTrue(d.get("verified").getAsBoolean());
    }

    @Test
    void anErrorIsTheLastJsonLine() throws Exception {
        diff();
        assertEquals(ExitCodes.WRONG_BASE_IMAGE, run("apply", newBin.toString(), patch.toString(), "-o",
                dir.resolve("r").toString(), "--json"));
        List<JsonObject> all = lines();
        JsonObject error = all.get(all.size() - 1);
        assertEquals("error", error.get("event").getAsString());
        assertEquals(ExitCodes.WRONG_BASE_IMAGE, number(error, "exit_code"));
        assertEquals("WRONG_BASE_IMAGE", error.get("error_code").getAsString());
        assertTrue(error.get("message").getAsString().contains("old image"), error.toString());
        assertEquals(1, cli.err().lines().count(), "and one line on stderr: " + cli.err());

        assertEquals(ExitCodes.IO_ERROR, run("inspect", dir.resolve("none.fwd").toString(), "--json"));
        assertEquals("NO_SUCH_FILE", lines().get(0).get("error_code").getAsString());

        assertEquals(ExitCodes.USAGE, run("diff", oldBin.toString(), "--json"));
        JsonObject usage = lines().get(0);
        assertEquals(ExitCodes.USAGE, number(usage, "exit_code"));
        assertEquals("USAGE", usage.get("error_code").getAsString());
    }

    @Test
    void wrongBaseShowsOnlyTheChecksumsThePatchRecords() throws Exception {
        diff();
        assertEquals(0, run("inspect", patch.toString(), "--json"));
        assertFalse(done().has("old_crc32_mpeg2"), "format 3 records no CRC-32/MPEG-2");
        byte[] other = Files.readAllBytes(oldBin);
        other[100] ^= 1; // the same size, so the checksums are compared
        Path otherOld = Files.write(dir.resolve("other.bin"), other);
        assertEquals(ExitCodes.WRONG_BASE_IMAGE, run("apply", otherOld.toString(), patch.toString(), "-o",
                dir.resolve("r").toString()));
        String message = cli.err();
        // the measured image with every checksum, the patch's with what flag SHA_ONLY records
        assertTrue(message.contains("the patch needs size=" + Files.size(oldBin) + " sha256[0..15]="), message);
        assertFalse(message.contains("mpeg2"), message);
        assertFalse(message.contains("ffffffff"), message);
    }
}
