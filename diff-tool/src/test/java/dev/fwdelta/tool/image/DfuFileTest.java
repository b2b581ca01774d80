// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.Tools;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.stm32.DfuseFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DFU files as images: the suffix is never part of the image. Files are made here byte by byte
 * (and by dfu-util's dfu-suffix), not by the reader's code.
 */
class DfuFileTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The body with a DFU 1.1 suffix (VID 0x1d50, PID 0x6002) and its CRC. */
    private static byte[] withSuffix(byte[] body) {
        ByteBuffer s = ByteBuffer.allocate(body.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        s.put(body).putShort((short) 0xFFFF).putShort((short) 0x6002).putShort((short) 0x1d50)
                .putShort((short) 0x0100).put((byte) 'U').put((byte) 'F').put((byte) 'D').put((byte) 16);
        CRC32 crc = new CRC32();
        crc.update(s.array(), 0, body.length + 12);
        s.putInt((int) ~crc.getValue());
        return s.array();
    }

    /** One element of a DfuSe target. */
    private record Element(long address, byte[] data) {
    }

    /** A DfuSe body (no suffix): its targets (alternate settings 0, 1, ...), each a list of elements. */
    private static byte[] dfuse(List<List<Element>> targets) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int t = 0; t < targets.size(); t++) {
            ByteArrayOutputStream elements = new ByteArrayOutputStream();
            for (Element e : targets.get(t)) {
                byte[] data = e.data();
                elements.writeBytes(le32(e.address()));
                elements.writeBytes(le32(data.length));
                elements.writeBytes(data);
            }
            byte[] header = new byte[274];
            System.arraycopy("Target".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 6);
            header[6] = (byte) t;
            System.arraycopy(le32(elements.size()), 0, header, 266, 4);
            System.arraycopy(le32(targets.get(t).size()), 0, header, 270, 4);
            all.writeBytes(header);
            all.writeBytes(elements.toByteArray());
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("DfuSe".getBytes(StandardCharsets.US_ASCII));
        file.write(1);
        file.writeBytes(le32(11 + all.size()));
        file.write(targets.size());
        file.writeBytes(all.toByteArray());
        return file.toByteArray();
    }

    private static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    private ImageFile read(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return ImageLoader.read(p);
    }

    @Test
    void aPlainDfuFileIsItsImageWithoutTheSuffixAndNoAddress() throws Exception {
        byte[] image = random(5000, 1);
        Path bin = dir.resolve("fw.bin");
        Files.write(bin, image);
        Path dfu = dir.resolve("fw.dfu");
        Files.copy(bin, dfu);
        Tools.run("dfu-suffix", "-v", "1d50", "-p", "6002", "-a", dfu.toString());
        assertEquals(image.length + 16, Files.size(dfu));

        assertEquals(ImageFormat.DFU, ImageLoader.detect(dfu));
        ImageFile f = ImageLoader.read(dfu);
        assertFalse(f.addressed());
        assertEquals(1, f.regions().size());
        assertArrayEquals(image, f.regions().get(0).bytes());
    }

    @Test
    void aDfuseFileGivesEachElementAtItsAddress() throws Exception {
        byte[] flashA = random(300, 2);
        byte[] flashB = random(200, 3);
        byte[] optionBytes = random(16, 4);
        byte[] file = withSuffix(dfuse(List.of(
                List.of(new Element(0x0800_0000L, flashA), new Element(0x0800_0000L + 300 + 100, flashB)),
                List.of(new Element(0x1FFF_C000L, optionBytes)))));
        ImageFile f = read("fw.dfu", file);
        assertTrue(f.addressed());
        assertEquals(2, f.regions().size());
        ImageRegion flash = f.regions().get(0);
        assertEquals(0x0800_0000L, flash.address());
        byte[] expected = new byte[600];
        Arrays.fill(expected, (byte) 0xFF); // the 100-byte gap, as flash after an erase
        System.arraycopy(flashA, 0, expected, 0, 300);
        System.arraycopy(flashB, 0, expected, 400, 200);
        assertArrayEquals(expected, flash.bytes());
        assertEquals(0x1FFF_C000L, f.regions().get(1).address());
        assertArrayEquals(optionBytes, f.regions().get(1).bytes());
    }

    @Test
    void whatStm32ExportDfuWritesReadsBackAsItsImage() throws Exception {
        byte[] image = random(4096, 5);
        ImageFile f = read("out.dfu", DfuseFile.write(image, 0x0801_0000L, 0x0483, 0xDF11, "Internal Flash"));
        assertEquals(1, f.regions().size());
        assertEquals(0x0801_0000L, f.regions().get(0).address());
        assertArrayEquals(image, f.regions().get(0).bytes());
    }

    @Test
    void aRawImageNamedBinThatIsADfuFileIsRefused() throws Exception {
        Path p = dir.resolve("fw.bin");
        Files.write(p, withSuffix(random(100, 6)));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(p));
        assertTrue(e.getMessage().contains("named as a raw binary file but holds a DFU file"), e.getMessage());
    }

    @Test
    void aRawImageIsNotTakenForADfuFile() throws Exception {
        // The signature and length of a suffix, but not its CRC.
        byte[] b = withSuffix(random(100, 7));
        b[0] ^= 1;
        Path p = dir.resolve("fw.bin");
        Files.write(p, b);
        assertEquals(ImageFormat.BIN, ImageLoader.detect(p));
        assertArrayEquals(b, ImageLoader.read(p).regions().get(0).bytes());
    }

    private String refusal(byte[] file) {
        return assertThrows(BadImageException.class, () -> read("bad.dfu", file)).getMessage();
    }

    @Test
    void eachDamagedFieldIsNamedWithItsRange() {
        byte[] body = dfuse(List.of(List.of(new Element(0x0800_0000L, random(64, 8)))));
        String bad = dir.resolve("bad.dfu").toString();

        byte[] crc = withSuffix(body);
        crc[20] ^= 1;
        assertTrue(refusal(crc).startsWith(bad + ": DFU suffix CRC 0x"), refusal(crc));

        byte[] length = withSuffix(body);
        length[length.length - 5] = 17;
        assertTrue(refusal(length).contains("DFU suffix length 17 (valid: 16)"));

        byte[] version = body.clone();
        version[5] = 2;
        assertTrue(refusal(withSuffix(version)).contains("DfuSe version 2 (valid: 1)"));

        byte[] size = body.clone();
        size[6]++;
        assertTrue(refusal(withSuffix(size)).contains("DfuSe image size " + (body.length + 1) + " (valid: "
                + body.length + ", the file without its suffix)"));

        byte[] targetSize = body.clone();
        System.arraycopy(le32(1000), 0, targetSize, 11 + 266, 4);
        assertTrue(refusal(withSuffix(targetSize)).contains("target 0 size 1000 (valid: 0..72, the bytes left)"));

        byte[] elementSize = body.clone();
        System.arraycopy(le32(65), 0, elementSize, 11 + 274 + 4, 4);
        assertTrue(refusal(withSuffix(elementSize)).contains(
                "target 0 element 0 size 65 (valid: 0..64, the bytes left in its target)"));

        byte[] elements = body.clone();
        System.arraycopy(le32(2), 0, elements, 11 + 270, 4);
        assertTrue(refusal(withSuffix(elements)).contains("target 0 element 1: header runs past the end"));

        byte[] targets = body.clone();
        targets[10] = 2;
        assertTrue(refusal(withSuffix(targets)).contains("target 1 at byte " + body.length + ": no \"Target\" header"));

        assertTrue(refusal(body).endsWith("bad.dfu: no DFU suffix: the file does not end in the signature \"UFD\""));
        String raw = assertThrows(BadImageException.class, () -> read("raw.dfu", random(100, 11))).getMessage();
        assertTrue(raw.contains("raw.dfu is named as a DFU file but holds a raw binary image"), raw);
    }

    @Test
    void everyByteDamagedBehindAGoodCrcIsReadOrRefusedCleanly() throws Exception {
        // The CRC is made good again after each change, so that the DfuSe structure is what is
        // checked: every outcome is an image or a BadImageException, never another exception.
        byte[] body = dfuse(List.of(
                List.of(new Element(0x0800_0000L, random(40, 12)), new Element(0x0800_0100L, random(8, 13))),
                List.of(new Element(0x1FFF_C000L, random(4, 14)))));
        int read = 0;
        int refused = 0;
        for (int at = 0; at < body.length; at++) {
            for (int value : new int[] {0x00, 0xFF, body[at] ^ 0x80, body[at] + 1}) {
                byte[] damaged = body.clone();
                damaged[at] = (byte) value;
                try {
                    read("d.dfu", withSuffix(damaged));
                    read++;
                } catch (BadImageException e) {
                    refused++;
                }
            }
        }
        assertEquals(4 * body.length, read + refused);
        assertTrue(refused > 0 && read > 0, read + " read, " + refused + " refused");
    }

    @Test
    void diffAndApplyTakeDfuFiles() throws Exception {
        byte[] old = random(20_000, 9);
        byte[] neu = old.clone();
        System.arraycopy(random(500, 10), 0, neu, 7000, 500);
        Path oldDfu = dir.resolve("old.dfu");
        Path newDfu = dir.resolve("new.dfu");
        Files.write(oldDfu, withSuffix(old));
        Files.write(newDfu, withSuffix(neu));
        Path patch = dir.resolve("p.fwd");
        Path out = dir.resolve("new.bin");
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("diff", oldDfu.toString(), newDfu.toString(), "-o", patch.toString()), err.toString());
        assertEquals(0, cl.execute("apply", oldDfu.toString(), patch.toString(), "-o", out.toString()), err.toString());
        assertArrayEquals(neu, Files.readAllBytes(out));

        assertEquals(2, cl.execute("apply", oldDfu.toString(), patch.toString(), "-o", dir.resolve("n.dfu").toString()));
        assertTrue(err.toString().contains("not DFU: name NEW n.dfu accordingly"), err.toString());
    }
}
