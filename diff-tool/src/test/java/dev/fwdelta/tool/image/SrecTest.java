// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SrecTest {
    private static List<ImageRegion> parse(String text) throws IOException {
        return Srec.parse(new StringReader(text), "t.srec");
    }

    /** S-record with count and checksum worked out here: type, address bytes, data. */
    private static String rec(char type, int addressBytes, long address, int... data) {
        int count = addressBytes + data.length + 1;
        StringBuilder s = new StringBuilder("S").append(type).append(String.format("%02X", count));
        int sum = count;
        for (int i = addressBytes - 1; i >= 0; i--) {
            int b = (int) (address >>> (8 * i)) & 0xFF;
            sum += b;
            s.append(String.format("%02X", b));
        }
        for (int d : data) {
            sum += d;
            s.append(String.format("%02X", d));
        }
        return s.append(String.format("%02X", ~sum & 0xFF)).append('\n').toString();
    }

    @Test
    void readsSixteenTwentyFourAndThirtyTwoBitDataRecordsAndChecksTheCount() throws IOException {
        String text = rec('0', 2, 0, 'h', 'i') + rec('1', 2, 0x10, 1, 2) + rec('2', 3, 0x20, 3)
                + rec('3', 4, 0x30, 4) + rec('5', 2, 3) + rec('7', 4, 0x10);
        List<ImageRegion> r = parse(text);
        assertEquals(1, r.size());
        assertEquals(0x10, r.get(0).address());
        assertEquals(0x21, r.get(0).bytes().length);
        assertEquals(1, r.get(0).bytes()[0]);
        assertEquals(3, r.get(0).bytes()[0x10]);
        assertEquals(4, r.get(0).bytes()[0x20]);
        BadImageException e = assertThrows(BadImageException.class,
                () -> parse(rec('1', 2, 0, 1) + rec('5', 2, 2) + rec('9', 2, 0)));
        assertTrue(e.getMessage().contains("record count 2 but 1 data records precede it"), e.getMessage());
    }

    @Test
    void damagedRecordsAreRefusedByLine() {
        String good = rec('1', 2, 0, 1, 2);
        String bad = good.substring(0, good.length() - 3) + "00\n";
        BadImageException e = assertThrows(BadImageException.class, () -> parse(good + bad + rec('9', 2, 0)));
        assertEquals("t.srec: S-record line 2: checksum mismatch", e.getMessage());
        e = assertThrows(BadImageException.class, () -> parse(good));
        assertTrue(e.getMessage().contains("no S7/S8/S9 end record"), e.getMessage());
        e = assertThrows(BadImageException.class, () -> parse(rec('4', 2, 0) + rec('9', 2, 0)));
        assertTrue(e.getMessage().contains("unknown record type S4"), e.getMessage());
    }

    @Test
    void writerAndReaderRoundTrip() throws IOException {
        byte[] image = new byte[1000];
        new Random(3).nextBytes(image);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter w = RecordWriter.of(ImageFormat.SREC, out, 0x0801_0000L);
        w.write(image);
        w.finish();
        String text = out.toString(StandardCharsets.US_ASCII);
        assertEquals(ImageFormat.SREC, ImageFormat.byContent(out.toByteArray()));
        List<ImageRegion> back = parse(text);
        assertEquals(0x0801_0000L, back.get(0).address());
        assertArrayEquals(image, back.get(0).bytes());
    }
}
