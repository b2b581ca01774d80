// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A patch given as a pipe (/dev/stdin, {@code curl ... |}) can be read only once. Before, verify
 * took its size from the file system (0 for a pipe) and called a good patch TRUNCATED, and inspect
 * and apply, which open a patch more than once, called it BAD_MAGIC, "not a fwdelta patch" (exit 3).
 * verify now reads it once and counts its bytes; inspect and apply say why they cannot take it.
 */
class PipedPatchInputsTest {
    @TempDir
    Path dir;

    @Test
    void verifyReadsAPipedPatchOnce() throws Exception {
        CliFixture f = new CliFixture(dir);
        byte[] patch = Files.readAllBytes(f.patch("signed.fwd", true));
        String pub = dir.resolve("key.pub.pem").toString();
        ChildCli.Result r = ChildCli.runWithInput(patch, "verify", "/dev/stdin", "--trust", pub);
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.out().startsWith("/dev/stdin: signature OK"), r.out());

        r = ChildCli.runWithInput(Arrays.copyOf(patch, patch.length - 1), "verify", "/dev/stdin", "--trust", pub);
        assertEquals(ExitCodes.BAD_PATCH, r.exit(), r.err());
        assertTrue(r.err().startsWith("fwdelta: error: TRUNCATED"), r.err());
        r = ChildCli.runWithInput(Arrays.copyOf(patch, patch.length + 1), "verify", "/dev/stdin", "--trust", pub);
        assertEquals(ExitCodes.BAD_PATCH, r.exit(), r.err());
        assertEquals("fwdelta: error: TRAILING_BYTES (31): /dev/stdin: file has more than " + patch.length
                + " bytes, header + payload_length is " + patch.length, r.err().strip());
    }

    @Test
    void inspectAndApplySayTheyCannotTakeAPipedPatch() throws Exception {
        CliFixture f = new CliFixture(dir);
        byte[] patch = Files.readAllBytes(f.patch("update.fwd", false));
        ChildCli.Result r = ChildCli.runWithInput(patch, "inspect", "/dev/stdin");
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertEquals("fwdelta: error: PATCH /dev/stdin is not a regular file (a pipe or a device): inspect reads a "
                + "patch more than once; save it to a file first (see 'fwdelta inspect --help')", r.err().strip());
        Path out = dir.resolve("out.bin");
        r = ChildCli.runWithInput(patch, "apply", f.oldBin.toString(), "/dev/stdin", "-o", out.toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertEquals("fwdelta: error: PATCH /dev/stdin is not a regular file (a pipe or a device): apply reads a "
                + "patch more than once; save it to a file first (see 'fwdelta apply --help')", r.err().strip());
        assertFalse(Files.exists(out));
    }
}
