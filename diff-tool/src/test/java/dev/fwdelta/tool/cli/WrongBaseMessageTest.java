// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device checksums the first old_size bytes of its slot, whatever the image there is: its
 * WRONG_BASE_IMAGE message says that is what was measured, not that the image has that size.
 */
class WrongBaseMessageTest {
    @TempDir
    Path dir;

    @Test
    void aLargerImageInTheSlotIsReportedAsTheBytesThatWereMeasured() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(3);
        assertTrue(pair.newImage().length > pair.oldImage().length, "the test needs a larger new image");
        Path patch = Files.write(dir.resolve("u.fwd"),
                PatchBuilder.build(pair.oldImage(), pair.newImage(), BuildOptions.defaults()).patch());
        Path newer = Files.write(dir.resolve("new.bin"), pair.newImage());
        CliRunner cli = new CliRunner();
        int exit = cli.run("device", "simulate", "--layout", "stm32f405-1m", "--old", newer.toString(),
                "--patch", patch.toString());
        assertEquals(ExitCodes.WRONG_BASE_IMAGE, exit, cli.err());
        int oldSize = pair.oldImage().length;
        assertTrue(cli.err().contains("the first " + oldSize + " bytes of the old image have sha256="), cli.err());
        assertTrue(cli.err().contains(", the patch needs size=" + oldSize + " sha256[0..15]="), cli.err());
        assertFalse(cli.err().contains("old image is size="), cli.err());
    }
}
