// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --layout value that is a path to a missing file is a missing file (exit 5), not an unknown
 * preset; a bare unknown name still lists the presets (exit 2).
 */
class LayoutPathCliTest {
    @TempDir
    Path dir;

    private int simulate(CliFixture f, Path patch, String layout) {
        return f.cli.run("device", "simulate", "--layout", layout, "--old", f.oldBin.toString(), "--patch",
                patch.toString());
    }

    @Test
    void aMissingLayoutFileIsNoSuchFile() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("u.fwd", false);
        assertEquals(ExitCodes.IO_ERROR, simulate(f, patch, "layouts/f4.txt"));
        assertEquals("no such file: layouts/f4.txt", f.errorLine());
        assertEquals(ExitCodes.IO_ERROR, simulate(f, patch, "f4.layout"));
        assertEquals("no such file: f4.layout", f.errorLine());

        assertEquals(ExitCodes.USAGE, simulate(f, patch, "f4"));
        String line = f.errorLine();
        assertTrue(line.startsWith("unknown layout 'f4' (presets: ["), line);
    }
}
