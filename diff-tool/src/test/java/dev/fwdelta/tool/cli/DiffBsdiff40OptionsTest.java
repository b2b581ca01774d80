// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.sign.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BSDIFF40 records no codec, RAM budget, block size, version, board id or signature: each option
 * that sets one is refused with --format bsdiff40 (exit 2, naming it) rather than silently dropped.
 */
class DiffBsdiff40OptionsTest {
    @TempDir
    Path dir;

    @Test
    void everyFwdeltaOnlyOptionIsRefused() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path out = dir.resolve("b.patch");
        String[][] options = {{"--codec", "lz77"}, {"--firmware-version", "3"}, {"--hardware-id", "7"},
            {"--ram-budget", "8192"}, {"--block-size", "4096"}, {"--key", f.key().toString()}};
        for (String[] o : options) {
            assertEquals(ExitCodes.USAGE, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o",
                    out.toString(), "--format", "bsdiff40", o[0], o[1]), o[0]);
            String line = f.errorLine();
            assertTrue(line.contains(o[0] + " works with --format fwdelta only"), line);
            assertFalse(Files.exists(out), o[0]);
        }
        // the default values are not "given": a plain bsdiff40 diff still works
        assertEquals(0, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o", out.toString(), "--format",
                "bsdiff40"), f.cli.err());
    }

    /**
     * apply of a BSDIFF40 patch: --trust asks for a signature it cannot have, so it is refused as
     * an unsigned patch is (exit 6, as docs/CLI.md says of unsigned patches; it was a usage
     * error), and the options it cannot check are usage errors, --ram-budget among them (it was
     * taken and not checked).
     */
    @Test
    void applyRefusesABsdiff40PatchForWhatItCannotCheck() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = dir.resolve("b.patch");
        Path out = dir.resolve("n.bin");
        assertEquals(0, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o", patch.toString(), "--format",
                "bsdiff40"), f.cli.err());
        assertEquals(0, f.cli.run("keygen", "-o", f.key().toString()), f.cli.err());
        assertEquals(ExitCodes.REFUSED, f.cli.run("apply", f.oldBin.toString(), patch.toString(), "-o", out.toString(),
                "--trust", KeyFiles.publicPathFor(f.key()).toString()));
        assertEquals("UNSIGNED_PATCH (39): " + patch + ": a BSDIFF40 patch carries no signature, and --trust asks for"
                + " one", f.errorLine());
        for (String[] o : new String[][] {{"--installed-version", "3"}, {"--hardware-id", "7"}, {"--ram-budget", "100"}}) {
            assertEquals(ExitCodes.USAGE, f.cli.run("apply", f.oldBin.toString(), patch.toString(), "-o", out.toString(),
                    o[0], o[1]), o[0]);
            assertTrue(f.errorLine().startsWith("a BSDIFF40 patch carries no version, board id or decoder RAM"), o[0]);
        }
        assertFalse(Files.exists(out));
        assertEquals(0, f.cli.run("apply", f.oldBin.toString(), patch.toString(), "-o", out.toString()), f.cli.err());
        assertEquals(Files.size(f.newBin), Files.size(out));
    }
}
