// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fwdelta.tool.image.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image given as a pipe (/dev/stdin, a shell's {@code <(...)}) can be read only once. Before,
 * the loader read its first 1024 bytes to recognise the format and then opened it again for the
 * rest: diff made a patch for NEW without its first 1024 bytes and exited 0, a HEX file came out as
 * "no end-of-file record", and apply took a piped OLD for a missing file. matrix reads each --old
 * twice (checked before the first patch, then built): a piped one was empty the second time, and
 * the matrix shipped a patch from an empty image (from_size 0) with exit 0.
 */
class PipedImageInputsTest {
    @TempDir
    Path dir;

    @Test
    void aPipedNewImageIsDiffedWhole() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = dir.resolve("p.fwd");
        ChildCli.Result r = ChildCli.runWithInput(Files.readAllBytes(f.newBin), "diff", f.oldBin.toString(),
                "/dev/stdin", "-o", patch.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        Path out = dir.resolve("out.bin");
        assertEquals(ExitCodes.OK, f.cli.run("apply", f.oldBin.toString(), patch.toString(), "-o", out.toString()),
                f.cli.err());
        assertArrayEquals(Files.readAllBytes(f.newBin), Files.readAllBytes(out));
    }

    @Test
    void aPipedOldImageIsApplied() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("p.fwd", false);
        Path out = dir.resolve("out.bin");
        ChildCli.Result r = ChildCli.runWithInput(Files.readAllBytes(f.oldBin), "apply", "/dev/stdin",
                patch.toString(), "-o", out.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertArrayEquals(Files.readAllBytes(f.newBin), Files.readAllBytes(out));
    }

    @Test
    void pipedHexAndElfFilesAreReadAsTheirFilesAre() throws Exception {
        byte[] image = new byte[3000]; // longer than the bytes looked at to recognise a format
        new Random(3).nextBytes(image);
        CliFixture f = new CliFixture(dir);
        Path hex = TestImages.hexAt(dir.resolve("fw.hex"), 0x0800_0000L, image);
        Path elf = Files.write(dir.resolve("fw.elf"), TestImages.elf32(0x0800_0000, image));
        for (Path file : new Path[] {hex, elf}) {
            Path expected = dir.resolve("expected.dfu");
            assertEquals(ExitCodes.OK, f.cli.run("stm32", "export-dfu", file.toString(), "-o", expected.toString()),
                    f.cli.err());
            Path piped = dir.resolve("piped.dfu");
            ChildCli.Result r = ChildCli.runWithInput(Files.readAllBytes(file), "stm32", "export-dfu", "/dev/stdin",
                    "-o", piped.toString());
            assertEquals(ExitCodes.OK, r.exit(), file + ": " + r.err());
            assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(piped), file.toString());
        }
    }

    @Test
    void matrixRefusesAPipedOldBeforeAnyOutput() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path out = dir.resolve("rel");
        ChildCli.Result r = ChildCli.runWithInput(Files.readAllBytes(f.oldBin), "matrix", "--new", f.newBin.toString(),
                "--old", "/dev/stdin", "--out", out.toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertEquals("fwdelta: error: --old /dev/stdin is not a regular file (a pipe or a device): matrix reads each "
                + "--old twice, to check it before the first patch is built and to build its patch; save it to a file "
                + "first (see 'fwdelta matrix --help')", r.err().strip());
        assertFalse(Files.exists(out));
    }
}
