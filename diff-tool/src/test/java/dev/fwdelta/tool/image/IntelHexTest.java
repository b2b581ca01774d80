// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntelHexTest {
    /** Two data records at 0x08000000 and 0x08000010 with a 12-byte gap, then EOF. */
    private static final String HEX = String.join("\n",
            ":020000040800F2",
            ":0400000001020304F2",
            ":02001000AABB89",
            ":00000001FF", "");

    private static List<ImageRegion> parse(String text) throws IOException {
        return IntelHex.parse(new StringReader(text), "t.hex");
    }

    @Test
    void smallGapsAreErasedBytesOfOneRegion() throws IOException {
        List<ImageRegion> regions = parse(HEX);
        assertEquals(1, regions.size());
        assertEquals(0x0800_0000L, regions.get(0).address());
        byte[] expected = new byte[18];
        Arrays.fill(expected, (byte) 0xFF);
        expected[0] = 1;
        expected[1] = 2;
        expected[2] = 3;
        expected[3] = 4;
        expected[16] = (byte) 0xAA;
        expected[17] = (byte) 0xBB;
        assertArrayEquals(expected, regions.get(0).bytes());
    }

    @Test
    void checksumErrorNamesTheFileAndLine() {
        BadImageException e = assertThrows(BadImageException.class, () -> parse(HEX.replace("F2\n:02", "F3\n:02")));
        assertEquals("t.hex: Intel HEX line 2: checksum mismatch", e.getMessage());
    }

    @Test
    void recordsWithoutImageBytesAfterTheEndAreSkipped() throws IOException {
        // As AltOS writes its .ihx files: symbol records (type 0xFE: an address and a name) and
        // their extended linear addresses after the end-of-file record.
        List<ImageRegion> regions = parse(HEX + String.join("\n", ":020000040800F2", ":041234FE6D61696E13", ""));
        assertEquals(1, regions.size());
        assertArrayEquals(parse(HEX).get(0).bytes(), regions.get(0).bytes());
    }

    @Test
    void theDosEndOfFileMarkIsBlank() throws IOException {
        // DOS-era tools end the text with SUB (0x1A, Ctrl-Z): on a line of its own, or right after
        // the end-of-file record when the last line has no line break.
        byte[] bytes = parse(HEX).get(0).bytes();
        assertArrayEquals(bytes, parse(HEX + "\u001A").get(0).bytes());
        assertArrayEquals(bytes, parse(HEX.replace("\n", "\r\n") + "\u001A").get(0).bytes());
        assertArrayEquals(bytes, parse(HEX.strip() + "\u001A").get(0).bytes());
    }

    @Test
    void anEmptyDataRecordAfterTheEndIsSkipped() throws IOException {
        // It has no image bytes, like the records the end may be followed by.
        assertArrayEquals(parse(HEX).get(0).bytes(), parse(HEX + ":0000000000\n").get(0).bytes());
    }

    @Test
    void aDataRecordAfterTheEndIsRefused() {
        // Two files joined: the second one's bytes would be lost.
        BadImageException e = assertThrows(BadImageException.class, () -> parse(HEX + ":020020000909CC\n"));
        assertEquals("t.hex: Intel HEX line 5: data record after the end-of-file record (two files joined?): "
                + "only records without image bytes may follow it", e.getMessage());
    }

    @Test
    void aDamagedRecordAfterTheEndIsStillRefused() {
        BadImageException e = assertThrows(BadImageException.class, () -> parse(HEX + ":041234FE6D61696E14\n"));
        assertEquals("t.hex: Intel HEX line 5: checksum mismatch", e.getMessage());
    }

    @Test
    void missingEndOfFile() {
        BadImageException e = assertThrows(BadImageException.class, () -> parse(":0400000001020304F2\n"));
        assertTrue(e.getMessage().contains("no end-of-file record"));
    }

    @Test
    void aFarRecordIsARegionOfItsOwnNotAFlattenedSpan() throws IOException {
        // 0x55 at 0x1FFF0000 (option-byte land), 0x11 at 0: 512 MiB apart.
        String far = ":020000041FFFDC\n:0100000055AA\n:020000040000FA\n:0100000011EE\n:00000001FF\n";
        List<ImageRegion> regions = parse(far);
        assertEquals(2, regions.size());
        assertEquals(0, regions.get(0).address());
        assertEquals(0x1FFF_0000L, regions.get(1).address());
        assertArrayEquals(new byte[] {0x55}, regions.get(1).bytes());
    }

    @Test
    void segmentAndStartRecordsAreRead() throws IOException {
        // 02: segment 0x1000 -> base 0x10000; 03 and 05 start addresses (4 bytes each) are checked, not used.
        String hex = ":020000021000EC\n:0400000300003800C1\n:04000005000000CD2A\n:020000001234B8\n:00000001FF\n";
        List<ImageRegion> regions = parse(hex);
        assertEquals(0x10000, regions.get(0).address());
        assertArrayEquals(new byte[] {0x12, 0x34}, regions.get(0).bytes());
        BadImageException e = assertThrows(BadImageException.class,
                () -> parse(":020000050000F9\n:00000001FF\n"));
        assertTrue(e.getMessage().contains("start linear address record must hold 4 bytes"), e.getMessage());
    }

    /** One record line: count, 16-bit offset, type, data and its checksum. */
    private static String record(int offset, int type, byte[] data) {
        return IntelHexWriter.record(offset, type, data) + "\n";
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /**
     * In segment mode (after a 02 record) the Intel HEX specification wraps a data record at the
     * end of its 64 KiB segment, SBA*16 + ((offset + i) mod 64K), while common readers (objcopy,
     * Python's intelhex) run on past it: such a record is refused, naming the file and line, rather
     * than guessed at. A record that ends exactly at the segment's end is read.
     */
    @Test
    void aSegmentRecordRunningPastItsSegmentIsRefused() throws IOException {
        String sba = record(0, 0x02, new byte[] {(byte) 0xF0, 0x00});
        String eof = ":00000001FF\n";
        BadImageException e = assertThrows(BadImageException.class,
                () -> parse(sba + record(0xFFF8, 0x00, counting(16)) + eof));
        assertTrue(e.getMessage().startsWith("t.hex: Intel HEX line 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("segment"), e.getMessage());
        List<ImageRegion> fits = parse(sba + record(0xFFF0, 0x00, counting(16)) + eof);
        assertEquals(0xFFFF0L, fits.get(0).address());
        assertArrayEquals(counting(16), fits.get(0).bytes());
        // A later 04 record leaves segment mode: linear records run on across 64 KiB (the specification's
        // (ULBA*64K + offset + i) mod 4G) ...
        String linear = record(0, 0x04, new byte[] {0x08, 0x00});
        List<ImageRegion> across = parse(sba + linear + record(0xFFF8, 0x00, counting(16)) + eof);
        assertEquals(0x0800_FFF8L, across.get(0).address());
        assertArrayEquals(counting(16), across.get(0).bytes());
        // ... and one that would wrap at 4 GiB is refused, naming its line.
        String top = record(0, 0x04, new byte[] {(byte) 0xFF, (byte) 0xFF});
        e = assertThrows(BadImageException.class, () -> parse(top + record(0xFFF8, 0x00, counting(16)) + eof));
        assertTrue(e.getMessage().startsWith("t.hex line 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("outside the 32-bit address space"), e.getMessage());
    }

    @Test
    void overlappingRecordsAreRefused() {
        BadImageException e = assertThrows(BadImageException.class,
                () -> parse(":0400000001020304F2\n:02000200AABB97\n:00000001FF\n"));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void writerAndReaderRoundTripAcross64KiBBoundaries() throws IOException {
        byte[] image = new byte[70_000];
        new Random(1).nextBytes(image);
        for (long at : new long[] {0, 0x0800_FFF8L, 0x1000_0000L - 5}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordWriter w = RecordWriter.of(ImageFormat.INTEL_HEX, out, at);
            w.write(image);
            w.finish();
            List<ImageRegion> back = parse(out.toString(StandardCharsets.US_ASCII));
            assertEquals(1, back.size());
            assertEquals(at, back.get(0).address());
            assertArrayEquals(image, back.get(0).bytes());
        }
    }

    @Test
    void loaderRecognisesTheFormatByContent(@TempDir Path dir) throws IOException {
        Path hex = dir.resolve("fw.hex");
        Files.writeString(hex, HEX);
        assertEquals(18, ImageLoader.load(hex).bytes().length);
        assertEquals(0x0800_0000L, ImageLoader.load(hex).address());
        Path noExtension = dir.resolve("firmware");
        Files.writeString(noExtension, HEX);
        assertEquals(ImageFormat.INTEL_HEX, ImageLoader.detect(noExtension));
        Path bin = dir.resolve("fw.bin");
        Files.write(bin, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, ImageLoader.load(bin).bytes());
        assertEquals(FirmwareImage.NO_ADDRESS, ImageLoader.load(bin).address());
        assertEquals(0x2000, ImageLoader.load(bin, 0x2000).address());
    }

    @Test
    void aNameThatSaysAnotherFormatIsRefused(@TempDir Path dir) throws IOException {
        Path hexAsBin = dir.resolve("fw.bin");
        Files.writeString(hexAsBin, HEX);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(hexAsBin));
        assertTrue(e.getMessage().contains("named as a raw binary file but holds an Intel HEX file"), e.getMessage());
        Path binAsHex = dir.resolve("fw.hex");
        Files.write(binAsHex, new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0});
        e = assertThrows(BadImageException.class, () -> ImageLoader.read(binAsHex));
        assertTrue(e.getMessage().contains("named as an Intel HEX file but holds an ELF file"), e.getMessage());
    }

    /**
     * The reader takes blank lines and blanks around a record anywhere; recognising the format did
     * not before the first record, and called such a file (a leading empty line, CR LF, an indent)
     * "a raw binary image: rename it (.bin)", as it did an empty .hex file.
     */
    @Test
    void blankLinesAndBlanksBeforeTheFirstRecordAreRecognised(@TempDir Path dir) throws IOException {
        FirmwareImage expected = ImageLoader.load(Files.writeString(dir.resolve("fw.hex"), HEX));
        for (String lead : new String[] {"\n", "\r\n", "\n\n\r", "  ", "\t", " \r\n\t"}) {
            Path hex = Files.writeString(dir.resolve("lead.hex"), lead + HEX);
            assertArrayEquals(expected.bytes(), ImageLoader.load(hex).bytes(), hex + " after " + lead.length());
            Path unnamed = Files.writeString(dir.resolve("firmware"), lead + HEX);
            assertEquals(ImageFormat.INTEL_HEX, ImageLoader.detect(unnamed));
        }
        for (String blank : new String[] {"", "\n\n", "   "}) {
            Path hex = Files.writeString(dir.resolve("blank.hex"), blank);
            BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(hex));
            assertTrue(e.getMessage().endsWith("no end-of-file record"), e.getMessage());
        }
        Path srec = Files.writeString(dir.resolve("fw.srec"), "\r\n  S107000001020304EE\nS9030000FC\n");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, ImageLoader.load(srec).bytes());
    }

    @Test
    void imagesOver2GiBAreRefused(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.bin");
        try (var f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 31); // sparse: no disk used
        }
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.load(big));
        assertTrue(e.getMessage().contains("fwdelta's command line holds images up to 2147483638 bytes"), e.getMessage());
    }
}
