// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.device.DeviceLayout;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sign and send read PATCH whole, and did so before looking at it: /dev/zero, or a patch followed by
 * a gigabyte, was read up to the 2 GiB limit and ended in "out of memory ... diff needs about 8
 * bytes of heap per byte" (exit 5) rather than in what is wrong with it. Its header is now read and
 * checked first, and a regular file's size against it before the payload is read (a pipe's: at most
 * one byte past header + payload_length): the errors are the ones a file of that content gets
 * (BAD_MAGIC, TRAILING_BYTES, exit 3), in a heap far smaller than the file.
 */
class WholePatchReadTest {
    private static final String HEAP = "64m";

    @TempDir
    Path dir;

    @Test
    void anEndlessFileIsNotAPatch() throws Exception {
        for (String[] args : new String[][] {{"sign", "/dev/zero", "--digest-only"},
            {"send", "/dev/zero", "--port", dir.resolve("no-such-port").toString()}}) {
            ChildCli.Result r = ChildCli.run(HEAP, args);
            assertEquals(ExitCodes.BAD_PATCH, r.exit(), r.err());
            assertEquals("fwdelta: error: BAD_MAGIC (1): /dev/zero: not a fwdelta patch (it does not begin with "
                    + "\"FWDP\")", r.err().strip());
        }
    }

    @Test
    void aPatchFollowedByAGigabyteIsRefusedAfterItsPayload() throws Exception {
        CliFixture f = new CliFixture(dir);
        Path patch = f.patch("update.fwd", false);
        long length = Files.size(patch);
        try (RandomAccessFile file = new RandomAccessFile(patch.toFile(), "rw")) {
            file.setLength(length + (1L << 30)); // sparse: no disk used
        }
        for (String[] args : new String[][] {{"sign", patch.toString(), "--digest-only"},
            {"send", patch.toString(), "--port", dir.resolve("no-such-port").toString()}}) {
            ChildCli.Result r = ChildCli.run(HEAP, args);
            assertEquals(ExitCodes.BAD_PATCH, r.exit(), r.err());
            assertEquals("fwdelta: error: TRAILING_BYTES (31): " + patch + ": file has " + (length + (1L << 30))
                    + " bytes, header + payload_length is " + length, r.err().strip());
        }
    }

    /**
     * device simulate hands the patch to the simulated device as it is (the device's own checks are
     * what it shows), so its read is bounded by the largest flash a layout describes instead: no
     * device it simulates can stage more.
     */
    @Test
    void simulateReadsNoMoreThanTheLargestFlash() throws Exception {
        CliFixture f = new CliFixture(dir);
        ChildCli.Result r = ChildCli.run("256m", "device", "simulate", "--layout", "stm32f405-1m", "--old",
                f.oldBin.toString(), "--patch", "/dev/zero");
        assertEquals(ExitCodes.IO_ERROR, r.exit(), r.err());
        assertEquals("fwdelta: error: /dev/zero: more than " + DeviceLayout.MAX_FLASH_BYTES + " bytes; a patch file "
                + "for a simulated device (no larger than the largest flash a layout describes) has 0.."
                + DeviceLayout.MAX_FLASH_BYTES + " bytes", r.err().strip());
    }
}
