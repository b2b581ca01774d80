// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image that is not a regular file (a pipe, a device) gives no size before it is read, so its
 * read must stop at a limit of its own. Before, /dev/zero was read into an array doubled up to
 * {@code Limits.MAX_IMAGE_SIZE} bytes, more than a Java array holds: whatever the heap, every
 * command that reads an image ended in "out of memory ... run again with a larger heap", advice
 * that could never help. Now the read stops one byte past {@code ImageLoader.MAX_UNSIZED_IMAGE},
 * refused with exit 2 naming the file and the limit, in a heap of twice the limit (where the
 * doubled array ran out).
 */
class PipedImageLimitTest {
    /** Holds the limit's bytes, read in pieces; the array doubled before to hold them did not fit. */
    private static final String HEAP = "512m";

    @TempDir
    Path dir;

    @Test
    void diffRefusesAnEndlessOldImageAtTheLimit() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = dir.resolve("p.fwd");
        assertRefusedAtTheLimit(patch, "diff", "/dev/zero", f.newBin.toString(), "-o", patch.toString());
    }

    @Test
    void applyRefusesAnEndlessOldImageAtTheLimit() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path out = dir.resolve("out.bin");
        assertRefusedAtTheLimit(out, "apply", "/dev/zero", f.patch("p.fwd", false).toString(), "-o", out.toString());
    }

    @Test
    void matrixRefusesAnEndlessNewImageAtTheLimit() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path out = dir.resolve("rel");
        assertRefusedAtTheLimit(out, "matrix", "--new", "/dev/zero", "--old", f.oldBin.toString(), "--out",
                out.toString());
    }

    /** The command {@code args} ends with exit 2 and the one line naming /dev/zero and the limit, writing no {@code output}. */
    private static void assertRefusedAtTheLimit(Path output, String... args) throws Exception {
        ChildCli.Result r = ChildCli.run(HEAP, args);
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertEquals(tooLong(args[0]), r.err().strip());
        assertFalse(Files.exists(output));
    }

    private static String tooLong(String command) {
        return "fwdelta: error: /dev/zero is not a regular file (a pipe or a device) and has more than 268435456"
                + " bytes; fwdelta reads such an image up to 268435456 bytes (256 MiB): give a larger one as a file"
                + " (see 'fwdelta " + command + " --help')";
    }
}
