// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.tool.demo.DemoFirmware;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text output names only the checks of the new image that were made: those its patch header records. */
class VerifiedChecksTest {
    @TempDir
    Path dir;

    @Test
    void aShaOnlyHeaderIsCheckedBySizeAndSha256() {
        byte[] image = DemoFirmware.generate(1).newImage();
        assertEquals("size, SHA-256", VerifiedChecks.of(ImageChecksums.forCompactHeader(image)));
    }

    @Test
    void aHeaderWithCrcsNamesThem() {
        byte[] image = DemoFirmware.generate(1).newImage();
        assertEquals("size, CRC-32, CRC-32/MPEG-2, SHA-256", VerifiedChecks.of(ImageChecksums.of(image)));
    }

    @Test
    void applyAndDemoClaimNoCrcForWhatTheBuilderWrites() throws Exception {
        CliRunner cli = new CliRunner();
        Path demo = dir.resolve("d");
        assertEquals(0, cli.run("demo", "--out", demo.toString()), cli.err());
        assertTrue(cli.out().contains("new image verified (size, SHA-256)"), cli.out());
        assertTrue(cli.out().contains("streaming, 1 block, within"), "the demo's patch is one block: " + cli.out());
        assertEquals(0, cli.run("inspect", demo.resolve("update.fwd").toString()), cli.err());
        assertTrue(cli.out().contains("SHA_ONLY"), "the builder's patches record no CRC: " + cli.out());
        assertEquals(0, cli.run("apply", demo.resolve("old.bin").toString(), demo.resolve("update.fwd").toString(),
                "-o", dir.resolve("out.bin").toString()), cli.err());
        assertTrue(cli.out().contains(" bytes, 1 block, verified (size, SHA-256)"), cli.out());
        assertFalse(cli.out().contains("CRC"), cli.out());
        assertTrue(Files.exists(dir.resolve("out.bin")));
    }
}
