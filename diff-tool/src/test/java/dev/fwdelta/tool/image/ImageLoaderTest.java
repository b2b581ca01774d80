// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {
    /** Sizes around the read piece (64 KiB) and an image of several pieces. */
    private static final int[] SIZES = {0, 1, 65_535, 65_536, 65_537, 300_001};

    @Test
    void aRawImageIsReadWholeWhateverItsSizeAgainstTheReadPiece(@TempDir Path dir) throws Exception {
        Random random = new Random(19);
        for (int size : SIZES) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Path file = dir.resolve("image-" + size + ".bin");
            Files.write(file, bytes);
            FirmwareImage image = ImageLoader.load(file);
            assertArrayEquals(bytes, image.bytes(), "size " + size);
        }
    }

    @Test
    void aFileLongerOrShorterThanTheSizeGivenIsReadToItsEnd(@TempDir Path dir) throws Exception {
        // The size is taken before the read: a file that grew or shrank in between is read as it is.
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("image.bin");
        Files.write(file, bytes);
        assertArrayEquals(bytes, ImageLoader.readRaw(file, 100_000));
        assertArrayEquals(bytes, ImageLoader.readRaw(file, 0));
        byte[] shrunk = ImageLoader.readRaw(file, 300_000);
        assertEquals(bytes.length, shrunk.length);
        assertArrayEquals(bytes, shrunk);
    }

    @Test
    void aByteOutsideAsciiInAnSrecFileIsNamedByLineAndColumn(@TempDir Path dir) throws Exception {
        byte[] srec = "S00600004844521B\nS1070000010203046E\nS9030000FC\n".getBytes(StandardCharsets.US_ASCII);
        srec[17 + 9] = (byte) 0xC3; // the first byte of a UTF-8 letter
        Path file = Files.write(dir.resolve("fw.srec"), srec);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(file));
        assertEquals(file + ": line 2, column 10: byte 0xC3 is not ASCII (a record file is ASCII text)",
                e.getMessage());
    }
}
