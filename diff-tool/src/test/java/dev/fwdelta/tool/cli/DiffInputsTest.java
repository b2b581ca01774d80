// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes diff used to take silently: a patch given as OLD or NEW is refused naming the argument
 * (exit 2); an empty OLD is allowed but said (the patch then carries all of NEW).
 */
class DiffInputsTest {
    @TempDir
    Path dir;

    @Test
    void aPatchIsNotAnImage() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path fwd = f.patch("update.fwd", false);
        Path bsdiff = dir.resolve("b.patch");
        assertEquals(0, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o", bsdiff.toString(), "--format",
                "bsdiff40"), f.cli.err());
        Path out = dir.resolve("p.fwd");

        assertEquals(ExitCodes.USAGE, f.cli.run("diff", f.oldBin.toString(), fwd.toString(), "-o", out.toString()));
        assertTrue(f.errorLine().startsWith("NEW " + fwd + " is a fwdelta patch, not a firmware image"), f.cli.err());
        assertEquals(ExitCodes.USAGE, f.cli.run("diff", fwd.toString(), f.newBin.toString(), "-o", out.toString()));
        assertTrue(f.errorLine().startsWith("OLD " + fwd + " is a fwdelta patch, not a firmware image"), f.cli.err());
        assertEquals(ExitCodes.USAGE, f.cli.run("diff", bsdiff.toString(), f.newBin.toString(), "-o", out.toString(),
                "--format", "bsdiff40"));
        assertTrue(f.errorLine().startsWith("OLD " + bsdiff + " is a BSDIFF40 patch, not a firmware image"),
                f.cli.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void anEmptyOldIsSaid() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        Path out = dir.resolve("p.fwd");
        assertEquals(0, f.cli.run("diff", empty.toString(), f.newBin.toString(), "-o", out.toString()), f.cli.err());
        assertEquals("fwdelta: note: OLD " + empty + " is empty: the patch carries the whole of NEW",
                f.cli.err().strip());
        assertTrue(Files.exists(out));
    }
}
