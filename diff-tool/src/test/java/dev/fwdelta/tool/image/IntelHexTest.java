// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntelHexTest {
    /** Two data records at 0x08000000 and 0x08000010 with a 12-byte gap, then EOF. */
    private static final String HEX = String.join("\n",
            ":020000040800F2",
            ":0400000001020304F2",
            ":02001000AABB89",
            ":00000001FF", "");

    @Test
    void flattensWithGapsErased() throws IOException {
        FirmwareImage img = IntelHex.parse(new StringReader(HEX));
        assertEquals(0x0800_0000L, img.baseAddress());
        byte[] expected = new byte[18];
        Arrays.fill(expected, (byte) 0xFF);
        expected[0] = 1;
        expected[1] = 2;
        expected[2] = 3;
        expected[3] = 4;
        expected[16] = (byte) 0xAA;
        expected[17] = (byte) 0xBB;
        assertArrayEquals(expected, img.bytes());
    }

    @Test
    void checksumErrorNamesTheLine() {
        IOException e = assertThrows(IOException.class,
                () -> IntelHex.parse(new StringReader(HEX.replace("F2\n:02", "F3\n:02"))));
        assertEquals("Intel HEX line 2: checksum mismatch", e.getMessage());
    }

    @Test
    void missingEndOfFile() {
        IOException e = assertThrows(IOException.class,
                () -> IntelHex.parse(new StringReader(":0400000001020304F2\n")));
        assertTrue(e.getMessage().contains("no end-of-file record"));
    }

    @Test
    void hugeSpanIsRefusedBeforeAllocating() {
        String far = ":020000041FFFDC\n:0100000055AA\n:0100000004FE\n:00000001FF\n"
                .replace(":0100000004FE\n", ":020000040000FA\n:0100000011EE\n");
        IOException e = assertThrows(IOException.class, () -> IntelHex.parse(new StringReader(far)));
        assertTrue(e.getMessage().contains("at most " + IntelHex.MAX_SPAN + " bytes"), e.getMessage());
    }

    @Test
    void loaderPicksTheFormatByExtension(@TempDir Path dir) throws IOException {
        Path hex = dir.resolve("fw.hex");
        Files.writeString(hex, HEX);
        assertEquals(18, ImageLoader.load(hex).bytes().length);
        Path bin = dir.resolve("fw.bin");
        Files.write(bin, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, ImageLoader.load(bin).bytes());
    }

    @Test
    void imagesOver2GiBAreRefused(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.bin");
        try (var f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 31); // sparse: no disk used
        }
        IOException e = assertThrows(IOException.class, () -> ImageLoader.load(big));
        assertTrue(e.getMessage().contains("fwdelta takes images up to 2147483647 bytes"), e.getMessage());
    }
}
