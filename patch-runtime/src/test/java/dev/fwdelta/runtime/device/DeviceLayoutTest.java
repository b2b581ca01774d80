// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceLayoutTest {
    @TempDir
    Path dir;

    @Test
    void everyPresetLoadsAndIsConsistent() {
        long mostNeeded = 0;
        for (String name : DeviceLayout.PRESETS) {
            DeviceLayout l = DeviceLayout.preset(name);
            assertEquals(name, l.name());
            assertEquals(l.active().size(), l.staging().size());
            long needed = SwapPlan.recordsNeeded(SwapPlan.groups(l, l.active().size()).size());
            assertTrue(needed <= l.bootLog().size() / StatusLog.RECORD, name + ": boot log too small for a full-slot install");
            mostNeeded = Math.max(mostNeeded, needed);
        }
        assertEquals(97, mostNeeded, "docs/DEVICE.md: a whole-slot install needs at most 97 boot records with the spare");
        assertEquals(0, DeviceLayout.preset("stm32l0-192k").geometry().erasedValue());
        assertTrue(DeviceLayout.preset("stm32l4-512k").geometry().eccUnits());
        assertEquals(12, DeviceLayout.preset("stm32f405-1m").geometry().sectors().count());
    }

    private static String layout(String active, String staging) {
        return String.join("\n", "name = t", "flash_base = 0", "sectors = 6x1K, 2x2K", "program_unit = 4",
                "erased_value = 0xFF", "ecc = false", "costs_us = 1,1,1,1", "agent_log = 0 + 1K",
                "boot_log = 0x400 + 1K", "scratch = 0x800 + 1K", "active = " + active, "staging = " + staging);
    }

    @Test
    void badLayoutsAreRefused() throws Exception {
        DeviceLayout.parse(new StringReader(layout("0xC00 + 1K", "0x1000 + 1K")));
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0xC00 + 1K", "0xC00 + 1K"))), "overlap");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0xC00 + 512", "0x1000 + 512"))), "not whole sectors");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(new StringReader(
                layout("0x1800 + 2K", "0x2000 + 2K"))), "slot sector larger than the scratch area");
        assertThrows(IllegalArgumentException.class, () -> DeviceLayout.preset("no-such-board"));
        // The flash is 10 KiB: its last byte at flash_base 0xFFFFD800 is 0xFFFFFFFF, one further wraps.
        String good = layout("0xC00 + 1K", "0x1000 + 1K");
        DeviceLayout.parse(new StringReader(good.replace("flash_base = 0", "flash_base = 0xFFFFD800")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceLayout.parse(
                new StringReader(good.replace("flash_base = 0", "flash_base = 0xFFFFD801"))));
        assertEquals("t: flash_base 0xffffd801 + the flash's 10240 bytes run past 2^32; flash_base allowed: "
                + "0..0xffffd800", e.getMessage());
    }

    /** A byte that is not UTF-8 is bad content, named with the file and where it is: not an I/O error. */
    @Test
    void nonTextLayoutIsAUsageError() throws Exception {
        byte[] text = preset("stm32l0-192k");
        String good = new String(text, StandardCharsets.UTF_8);
        int at = good.indexOf("stm32l0-192k", good.indexOf("name ="));
        byte[] bad = text.clone();
        bad[at] = (byte) 0xFF;
        Path file = Files.write(dir.resolve("bad.layout"), bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceLayout.load(file.toString()));
        assertEquals("layout file " + file + " is not UTF-8 text: byte 0xff at offset " + at, e.getMessage());
    }

    /** A layout is read only up to its limit, whatever follows: a larger file is refused before it is parsed. */
    @Test
    void oversizedLayoutIsRefused() throws Exception {
        int limit = DeviceLayout.MAX_FILE_BYTES;
        Path atLimit = Files.write(dir.resolve("at-limit.layout"), paddedWithAComment(limit));
        assertEquals("stm32l0-192k", DeviceLayout.load(atLimit.toString()).name());
        Path over = Files.write(dir.resolve("over.layout"), paddedWithAComment(70 * 1024));
        IOException e = assertThrows(IOException.class, () -> DeviceLayout.load(over.toString()));
        assertEquals(over + ": 71680 bytes; a layout file has 0.." + limit + " bytes", e.getMessage());
    }

    /** A preset's text, then a comment line that brings it to {@code size} bytes: a valid layout of that size. */
    private static byte[] paddedWithAComment(int size) throws IOException {
        byte[] text = preset("stm32l0-192k");
        byte[] padded = new byte[size];
        System.arraycopy(text, 0, padded, 0, text.length);
        padded[text.length] = '#';
        for (int i = text.length + 1; i < size; i++) {
            padded[i] = 'x';
        }
        return padded;
    }

    private static byte[] preset(String name) throws IOException {
        try (InputStream in = DeviceLayout.class.getResourceAsStream("/dev/fwdelta/runtime/layouts/" + name + ".layout")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPathIsReadAsAFileEvenWhenItIsMissing() throws Exception {
        String missing = dir.resolve("layouts").resolve("f4.txt").toString();
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DeviceLayout.load(missing));
        assertEquals(missing, e.getMessage());
        FileSystemException d = assertThrows(FileSystemException.class, () -> DeviceLayout.load(dir.toString()));
        assertEquals(dir + ": is a directory, not a file", d.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class, () -> DeviceLayout.load("f4"));
        assertTrue(bare.getMessage().startsWith("unknown layout 'f4' (presets: "), bare.getMessage());
    }
}
