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
 * An output in a directory that does not exist is named as given (a relative path stays relative),
 * in every command, since they share the one check (docs/CLI.md, Errors).
 */
class OutputPathAsGivenTest {
    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryIsNamedAsGiven() throws Exception {
        CliFixture f = new CliFixture(dir);
        String missing = "fwdelta-test-no-dir-" + ProcessHandle.current().pid();
        assertFalse(Files.exists(Path.of(missing)));
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o",
                missing + "/p.fwd"));
        assertEquals("no such file: " + missing + ": output directory does not exist", f.errorLine());

        Path patch = f.patch("u.fwd", false);
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("sign", "--digest-only", patch.toString(), "--message-out",
                missing + "/m.bin"));
        assertEquals("no such file: " + missing + ": output directory does not exist", f.errorLine());
    }

    /**
     * An output whose directory is a file: before, "no such file: old.bin: output directory does
     * not exist", of a file that is there (matrix --out old.bin/x, diff -o old.bin/p.fwd).
     */
    @Test
    void aDirectoryThatIsAFileIsSaidSo() throws Exception {
        CliFixture f = new CliFixture(dir);
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o",
                f.oldBin + "/p.fwd"));
        assertEquals(f.oldBin + ": is not a directory: the output " + f.oldBin + "/p.fwd cannot be in it",
                f.errorLine());
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("matrix", "--new", f.newBin.toString(), "--old",
                f.oldBin.toString(), "--out", f.oldBin + "/x"));
        assertEquals(f.oldBin + ": is not a directory: the output " + f.oldBin + "/x cannot be in it",
                f.errorLine());
    }

    /**
     * An output that is a pipe (or a device: as root, /dev/null itself) was replaced by a file,
     * since an output is written beside its name and renamed to it.
     */
    @Test
    void aPipeAsTheOutputIsRefusedAndStaysAPipe() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path fifo = dir.resolve("out.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo (coreutils) makes the pipe");
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o",
                fifo.toString()));
        assertEquals(fifo + ": is not a regular file (a pipe or a device): an output is written whole to a file and"
                + " then takes its name", f.errorLine());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the pipe is still a pipe");
        try (var entries = Files.list(dir)) {
            assertEquals(3, entries.count(), "old.bin, new.bin and the pipe: no temporary file left");
        }
    }

    /**
     * The temporary file beside the output could not be made (no file can be made in /proc): the
     * error named it, ".p.fwd.RANDOM.part", a name the user never gave.
     */
    @Test
    void anOutputThatCannotBeMadeIsNamedAsGiven() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path output = Path.of("/proc/fwdelta-test-" + ProcessHandle.current().pid() + ".fwd");
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("diff", f.oldBin.toString(), f.newBin.toString(), "-o",
                output.toString()));
        assertEquals("no such file: " + output, f.errorLine());
        assertEquals(ExitCodes.IO_ERROR, f.cli.run("keygen", "-o", output.toString()));
        assertEquals("no such file: " + output, f.errorLine());
    }
}
