// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.PatchHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect --max-size refuses a fwdelta patch that declares a larger new image, as it does a BSDIFF40 one and as apply does. */
class InspectMaxSizeTest {
    @TempDir
    Path dir;

    @Test
    void aFwdeltaPatchDeclaringALargerImageIsRefused() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        long newSize = PatchHeader.parse(Files.readAllBytes(patch)).newSize();
        long limit = newSize - 1;
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("inspect", patch.toString(), "--max-size", Long.toString(limit)));
        String line = f.errorLine();
        assertTrue(line.contains("bad value for new_size: " + newSize + " (valid range 0.." + limit
                + ": the largest new image accepted, set by --max-size)"), line);
        assertEquals("", f.cli.out(), "no field is shown for a refused patch");
        // apply gives the same line for the same patch and limit
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("apply", f.oldBin.toString(), patch.toString(), "-o",
                dir.resolve("n.bin").toString(), "--max-size", Long.toString(limit)));
        assertEquals(line, f.errorLine());

        assertEquals(0, f.cli.run("inspect", patch.toString(), "--max-size", Long.toString(newSize)), f.cli.err());
        assertTrue(f.cli.out().contains("new_size"), f.cli.out());
    }
}
