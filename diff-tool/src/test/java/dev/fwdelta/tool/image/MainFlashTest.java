// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainFlashTest {
    @Test
    void aMicrobitFileIsItsFlashWithoutTheUicrRecord() throws Exception {
        // The sizes the corpus README measured the peers on.
        FirmwareImage v2 = MainFlash.read(Corpus.dir().resolve("microbit/v2-8.1.9.hex"));
        assertEquals(520_995, v2.bytes().length);
        assertEquals(0, v2.address());
        assertEquals(261_152, MainFlash.read(Corpus.dir().resolve("microbit/v1-8.1.9.hex")).bytes().length);
    }

    @Test
    void recordsOfASegmentAtOrAbove0x10000000AreDropped(@TempDir Path dir) throws Exception {
        Path hex = dir.resolve("t.hex");
        Files.writeString(hex, String.join("\n",
                ":0400000001020304F2",          // 01 02 03 04 at 0
                ":020000041000EA",              // segment 0x10000000
                ":0400000005060708E2",          // dropped
                ":020000040000FA",              // back to segment 0
                ":0100060009F0",                // 09 at 6
                ":00000001FF", ""));
        FirmwareImage image = MainFlash.read(hex);
        assertEquals(7, image.bytes().length);
        assertEquals((byte) 0xFF, image.bytes()[4]);
        assertEquals(9, image.bytes()[6]);
    }
}
