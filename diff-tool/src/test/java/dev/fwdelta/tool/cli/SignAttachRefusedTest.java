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

    /** Attaches {@code signature}, from a file of its own, to an unsigned patch; the exit code. */
    private int attach(CliFixture f, Path patch, byte[] signature, String name) throws Exception {
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path file = Files.write(dir.resolve(name), signature);
        return f.cli.run("sign", "--attach", file.toString(), "--public-key", KeyFiles.publicPathFor(f.key()).toString(),
                patch.toString());
    }

    @Test
    void aSignatureThatDoesNotVerifyExitsSix() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        byte[] before = Files.readAllBytes(patch);
        assertEquals(ExitCodes.REFUSED, attach(f, patch, new byte[64], "bad.sig"));
        String line = f.errorLine();
        assertTrue(line.startsWith("SIGNATURE_INVALID ("), line);
        assertTrue(line.contains("--attach " + dir.resolve("bad.sig") + ": the signature does not verify with key "), line);
        assertArrayEquals(before, Files.readAllBytes(patch), "nothing attached");
    }

    @Test
    void aSignatureOfTheWrongSizeIsAUsageErrorNamingItsFile() throws Exception {
        CliFixture f = new CliFixture(dir);
        assertEquals(ExitCodes.USAGE, attach(f, f.patch("u.fwd", false), new byte[10], "short.sig"));
        assertTrue(f.cli.err().contains("--attach " + dir.resolve("short.sig") + ": signature must be 64 raw bytes"),
                f.cli.err());
    }
}
