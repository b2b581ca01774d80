// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect of a patch whose payload does not match its payload_sha256 shows every field as before,
 * then fails as verify does (exit 3, PAYLOAD_HASH) with one error line; with --json every line is
 * JSON and the last is the error.
 */
class InspectBadPatchTest {
    @TempDir
    Path dir;

    private static Path flipLastByte(Path patch) throws Exception {
        byte[] b = Files.readAllBytes(patch);
        b[b.length - 1] ^= 1;
        return Files.write(patch, b);
    }

    @Test
    void aPayloadHashMismatchExitsThreeAfterTheFields() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = flipLastByte(f.patch("c.fwd", true));
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("inspect", patch.toString()));
        assertTrue(f.cli.out().contains("payload_sha256_ok      false"), f.cli.out());
        assertTrue(f.cli.out().contains("signed                 true"), f.cli.out());
        String line = f.errorLine();
        assertTrue(line.startsWith("PAYLOAD_HASH (32): "), line);
        assertTrue(line.contains(patch.toString()), line);
    }

    @Test
    void withJsonTheFieldsThenTheError() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = flipLastByte(f.patch("c.fwd", true));
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("inspect", patch.toString(), "--json"));
        List<String> lines = f.cli.out().strip().lines().toList();
        assertEquals(2, lines.size(), f.cli.out());
        JsonObject fields = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals("inspected", fields.get("event").getAsString());
        assertFalse(fields.get("payload_sha256_ok").getAsBoolean());
        JsonObject error = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertEquals("error", error.get("event").getAsString());
        assertEquals(3, error.get("exit_code").getAsInt());
        assertEquals("PAYLOAD_HASH", error.get("error_code").getAsString());
    }

    /** A header refused field by field names the file, as its payload hash does, in every command that reads it. */
    @Test
    void aBadHeaderNamesTheFileInEveryCommand() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("c.fwd", false);
        byte[] b = Files.readAllBytes(patch);
        b[4] = 99; // format_version
        Files.write(patch, b);
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        String trust = KeyFiles.publicPathFor(f.key()).toString();
        List<String[]> commands = List.of(new String[] {"inspect", patch.toString()},
                new String[] {"verify", "--trust", trust, patch.toString()},
                new String[] {"sign", "--key", f.key().toString(), patch.toString(), "-o", dir.resolve("s.fwd").toString()},
                new String[] {"apply", f.oldBin.toString(), patch.toString(), "-o", dir.resolve("n.bin").toString()});
        for (String[] args : commands) {
            assertEquals(ExitCodes.BAD_PATCH, f.cli.run(args), f.cli.err());
            String line = f.errorLine();
            assertTrue(line.startsWith("UNSUPPORTED_VERSION (2): " + patch + ": "), args[0] + ": " + line);
        }
    }

    @Test
    void aGoodPatchStillExitsZero() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("c.fwd", true);
        assertEquals(0, f.cli.run("inspect", patch.toString()), f.cli.err());
        assertTrue(f.cli.out().contains("payload_sha256_ok      true"), f.cli.out());
    }

    /**
     * A file shorter than the header's first 8 bytes: three bytes of text were TRUNCATED, "bad
     * value for header length: 3", a field no header has; now they are not a patch, and only a
     * start of the magic is a patch cut short. Every command reads the header the same way.
     */
    @Test
    void aFileShorterThanTheMagicIsNotAPatch() throws Exception {
        CliFixture f = new CliFixture(dir);
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path text = Files.writeString(dir.resolve("abc.fwd"), "abc");
        Path cut = Files.writeString(dir.resolve("cut.fwd"), "FWD");
        for (Path p : List.of(text, cut)) {
            List<String[]> commands = List.of(new String[] {"inspect", p.toString()},
                    new String[] {"verify", "--trust", KeyFiles.publicPathFor(f.key()).toString(), p.toString()},
                    new String[] {"sign", "--key", f.key().toString(), p.toString(), "-o", dir.resolve("s.fwd").toString()},
                    new String[] {"apply", f.oldBin.toString(), p.toString(), "-o", dir.resolve("n.bin").toString()});
            for (String[] args : commands) {
                assertEquals(ExitCodes.BAD_PATCH, f.cli.run(args), f.cli.err());
                String line = f.errorLine();
                String expected = p == text ? "BAD_MAGIC (1): " + p + ": not a fwdelta patch"
                        : "TRUNCATED (30): " + p + ": patch ends after 3 bytes, within the 8 every header starts with"
                                + " (magic, format_version, header_size)";
                assertTrue(line.startsWith(expected), args[0] + ": " + line);
            }
        }
    }

    /**
     * sign kept the payload_sha256 a signed header records: a signed patch whose payload was
     * corrupted since was signed again, exit 0, and the result failed verify. Now it is refused
     * as verify refuses it, and the file stays as it was.
     */
    @Test
    void aCorruptSignedPatchIsNotSignedAgain() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = flipLastByte(f.patch("c.fwd", true));
        byte[] before = Files.readAllBytes(patch);
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("sign", "--key", f.key().toString(), patch.toString()));
        String line = f.errorLine();
        assertTrue(line.startsWith("PAYLOAD_HASH (32): "), line);
        assertEquals(before.length, Files.size(patch));
        assertTrue(Arrays.equals(before, Files.readAllBytes(patch)), "the patch is not replaced");
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("sign", "--digest-only", patch.toString()));
        assertTrue(f.errorLine().startsWith("PAYLOAD_HASH (32): "));
    }
}
