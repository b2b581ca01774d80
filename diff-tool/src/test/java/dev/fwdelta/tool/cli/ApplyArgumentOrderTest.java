// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PATCH that is not a patch is named; when OLD is the patch, the error says the order is swapped. */
class ApplyArgumentOrderTest {
    @TempDir
    Path dir;

    @Test
    void swappedArgumentsAreSaid() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("update.fwd", false);
        Path out = dir.resolve("x.bin");
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("apply", patch.toString(), f.oldBin.toString(), "-o", out.toString()));
        assertEquals("BAD_MAGIC (1): PATCH " + f.oldBin + " is not a patch, but OLD " + patch
                + " is: the order is apply OLD PATCH -o NEW", f.errorLine());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPatchThatIsNotOneIsNamed() throws Exception {
        CliFixture f = new CliFixture(dir);
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("apply", f.oldBin.toString(), f.newBin.toString(), "-o",
                dir.resolve("x.bin").toString()));
        assertEquals("BAD_MAGIC (1): " + f.newBin + ": not a fwdelta patch (it does not begin with \"FWDP\")",
                f.errorLine());
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("inspect", f.newBin.toString()));
        assertEquals("BAD_MAGIC (1): " + f.newBin + ": not a fwdelta patch (it does not begin with \"FWDP\")",
                f.errorLine());
    }
}
