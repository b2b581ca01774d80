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
 * A --flash-file that cannot be opened is reported as any other file is (docs/CLI.md,
 * Conventions): the path as given and the kind of failure, not Java's "PATH (No such file or
 * directory)" text, nor a bare "Invalid argument".
 */
class FlashFileErrorsTest {
    @TempDir
    Path dir;

    private int simulate(CliFixture f, Path flashFile, String... more) {
        Path patch = dir.resolve("u.fwd");
        if (!Files.exists(patch)) {
            f.patch("u.fwd", false);
        }
        String[] args = {"device", "simulate", "--layout", "stm32f405-1m", "--old", f.oldBin.toString(), "--patch",
            patch.toString(), "--flash-file", flashFile.toString()};
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return f.cli.run(all);
    }

    @Test
    void aFlashFileInAMissingDirectoryIsNoSuchFile() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path missing = dir.resolve("nodir").resolve("f.bin");
        assertEquals(ExitCodes.IO_ERROR, simulate(f, missing));
        assertEquals("no such file: " + missing, f.errorLine());
        assertEquals(ExitCodes.IO_ERROR, simulate(f, missing, "--json"));
        String json = f.cli.out().strip();
        assertTrue(json.contains("\"error_code\":\"NO_SUCH_FILE\""), json);
        assertTrue(json.contains("\"message\":\"no such file: " + missing + "\""), json);
        assertFalse(Files.exists(missing.getParent()));
    }

    @Test
    void aDirectoryAsFlashFileIsNamed() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path d = Files.createDirectory(dir.resolve("d1"));
        assertEquals(ExitCodes.IO_ERROR, simulate(f, d));
        assertEquals(d + ": is a directory, not a file", f.errorLine());
    }

    /**
     * A flash file is read and written in place, which a device or a pipe cannot be: before, /dev/zero
     * ended in "Invalid argument" and a FIFO in "Illegal seek", naming no file.
     */
    @Test
    void aDeviceAsFlashFileIsNamed() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path zero = Path.of("/dev/zero");
        assertEquals(ExitCodes.IO_ERROR, simulate(f, zero));
        assertEquals(zero + ": is not a regular file (a pipe or a device): a flash file is read and written in place",
                f.errorLine());
    }

    @Test
    void aNewFlashFileIsStillCreated() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path flash = dir.resolve("f.bin");
        assertEquals(0, simulate(f, flash), f.cli.err());
        assertEquals(1L << 20, Files.size(flash));
    }
}
