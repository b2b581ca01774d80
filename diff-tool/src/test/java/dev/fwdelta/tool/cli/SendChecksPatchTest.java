// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * send checks PATCH as a patch (its header parses, the file is as long as the header says) before
 * it opens a port, with apply's error and exit code (3): the port named here does not exist, so a
 * send that opened it first would fail with exit 5 naming the port instead.
 */
class SendChecksPatchTest {
    @TempDir
    Path dir;

    private String noPort() {
        return dir.resolve("no-such-port").toString();
    }

    @Test
    void aTruncatedPatchIsRefusedBeforeThePortIsOpened() throws Exception {
        CliFixture f = new CliFixture(dir);
        byte[] whole = Files.readAllBytes(f.patch("signed.fwd", true));
        Path cut = Files.write(dir.resolve("t.fwd"), Arrays.copyOf(whole, whole.length / 2));
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("send", cut.toString(), "--port", noPort()));
        String sent = f.errorLine();
        assertTrue(sent.startsWith("TRUNCATED (30): " + cut + ": "), sent);
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("apply", f.oldBin.toString(), cut.toString(), "-o",
                dir.resolve("x.bin").toString()), "apply says the same");
        assertTrue(f.errorLine().startsWith("TRUNCATED (30)"), f.cli.err());

        Path longer = Files.write(dir.resolve("long.fwd"), Arrays.copyOf(whole, whole.length + 3));
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("send", longer.toString(), "--port", noPort()));
        assertTrue(f.errorLine().startsWith("TRAILING_BYTES ("), f.cli.err());
    }

    @Test
    void anImageIsNotAPatchForSendAsForApply() throws Exception {
        CliFixture f = new CliFixture(dir);
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("send", f.oldBin.toString(), "--port", noPort()));
        String line = f.errorLine();
        assertTrue(line.startsWith("BAD_MAGIC (1): " + f.oldBin + ": not a fwdelta patch"), line);
        assertEquals(ExitCodes.BAD_PATCH, f.cli.run("apply", f.oldBin.toString(), f.newBin.toString(), "-o",
                dir.resolve("x.bin").toString()));
    }
}
