// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An option of one sign mode given with another mode would be dropped without a word: it is
 * refused, exit 2, naming the options (docs/CLI.md, values that do not go together), and nothing
 * is written. The combinations the modes are made of still work.
 */
class SignOptionsTogetherTest {
    @TempDir
    Path dir;

    private void assertRefused(CliFixture f, Path patch, String expected, String... args) throws Exception {
        byte[] before = Files.readAllBytes(patch);
        assertEquals(ExitCodes.USAGE, f.cli.run(args), f.cli.out());
        String line = f.errorLine();
        assertTrue(line.startsWith(expected), line);
        assertArrayEquals(before, Files.readAllBytes(patch), "PATCH unchanged");
    }

    @Test
    void optionsOfAnotherModeAreRefused() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        Path pub = KeyFiles.publicPathFor(f.key());
        Path message = dir.resolve("m.bin");
        Path signed = dir.resolve("s.fwd");

        assertRefused(f, patch, "--message-out works with --digest-only only", "sign", patch.toString(), "--key",
                f.key().toString(), "--message-out", message.toString());
        assertFalse(Files.exists(message));
        assertRefused(f, patch, "-o/--output works with --key or --attach only", "sign", patch.toString(),
                "--digest-only", "-o", signed.toString());
        assertFalse(Files.exists(signed));
        assertRefused(f, patch, "--public-key works with --attach only", "sign", patch.toString(), "--key",
                f.key().toString(), "--public-key", pub.toString());
        assertRefused(f, patch, "--public-key works with --attach only", "sign", patch.toString(), "--digest-only",
                "--public-key", pub.toString());

        // what each mode is made of still works
        assertEquals(0, f.cli.run("sign", patch.toString(), "--digest-only", "--message-out", message.toString()),
                f.cli.err());
        assertTrue(Files.size(message) > 0);
        assertEquals(0, f.cli.run("sign", patch.toString(), "--key", f.key().toString(), "-o", signed.toString()),
                f.cli.err());
        assertTrue(Files.exists(signed));
    }
}
