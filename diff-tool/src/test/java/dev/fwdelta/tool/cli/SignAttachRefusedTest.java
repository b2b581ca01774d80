// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signature that does not verify is a bad signature, refused by policy (exit 6, docs/CLI.md), not a usage error. */
class SignAttachRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aSignatureThatDoesNotVerifyExitsSix() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path bad = Files.write(dir.resolve("bad.sig"), new byte[64]);
        byte[] before = Files.readAllBytes(patch);
        assertEquals(ExitCodes.REFUSED, f.cli.run("sign", "--attach", bad.toString(), "--public-key",
                KeyFiles.publicPathFor(f.key()).toString(), patch.toString()));
        String line = f.errorLine();
        assertTrue(line.startsWith("SIGNATURE_INVALID ("), line);
        assertTrue(line.contains("--attach " + bad + ": the signature does not verify with key "), line);
        assertArrayEquals(before, Files.readAllBytes(patch), "nothing attached");
    }

    @Test
    void aSignatureOfTheWrongSizeIsAUsageErrorNamingItsFile() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path shortSignature = Files.write(dir.resolve("short.sig"), new byte[10]);
        assertEquals(ExitCodes.USAGE, f.cli.run("sign", "--attach", shortSignature.toString(), "--public-key",
                KeyFiles.publicPathFor(f.key()).toString(), patch.toString()));
        assertTrue(f.cli.err().contains("--attach " + shortSignature + ": signature must be 64 raw bytes"),
                f.cli.err());
    }
}
