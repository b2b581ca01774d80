// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A DfuSe file (ST UM0391): prefix, one target with one element (address, size, data), and the
 * DFU suffix whose CRC dfu-util checks.
 *
 * <pre>
 * prefix  (11): "DfuSe" | version 0x01 | u32 file size without suffix | u8 targets
 * target (274): "Target" | u8 alternate setting | u32 named | 255-byte name | u32 elements size | u32 elements
 * element     : u32 address | u32 size | data
 * suffix  (16): u16 bcdDevice | u16 idProduct | u16 idVendor | u16 bcdDFU 0x011A | "UFD" | u8 16 | u32 CRC
 * </pre>
 * The CRC is CRC-32 (reflected 0x04C11DB7, init 0xFFFFFFFF) of everything before it, without the
 * final inversion.
 */
public final class DfuseFile {
    private DfuseFile() {}

    public static byte[] write(byte[] image, long address, int vid, int pid, String targetName) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] element = new byte[8 + image.length];
        LittleEndian.put32(element, 0, address);
        LittleEndian.put32(element, 4, image.length);
        System.arraycopy(image, 0, element, 8, image.length);

        byte[] target = new byte[274];
        System.arraycopy("Target".getBytes(StandardCharsets.US_ASCII), 0, target, 0, 6);
        target[6] = 0; // alternate setting 0: internal flash
        LittleEndian.put32(target, 7, 1);
        byte[] name = targetName.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, target, 11, Math.min(name.length, 254));
        LittleEndian.put32(target, 266, element.length);
        LittleEndian.put32(target, 270, 1);

        byte[] prefix = new byte[11];
        System.arraycopy("DfuSe".getBytes(StandardCharsets.US_ASCII), 0, prefix, 0, 5);
        prefix[5] = 1;
        LittleEndian.put32(prefix, 6, prefix.length + target.length + element.length);
        prefix[10] = 1;

        body.writeBytes(prefix);
        body.writeBytes(target);
        body.writeBytes(element);
        byte[] suffix = new byte[16];
        LittleEndian.put16(suffix, 0, 0xFFFF);
        LittleEndian.put16(suffix, 2, pid);
        LittleEndian.put16(suffix, 4, vid);
        LittleEndian.put16(suffix, 6, 0x011A);
        suffix[8] = 'U';
        suffix[9] = 'F';
        suffix[10] = 'D';
        suffix[11] = 16;
        body.write(suffix, 0, 12);
        CRC32 crc = new CRC32();
        byte[] all = body.toByteArray();
        crc.update(all);
        LittleEndian.put32(suffix, 12, ~crc.getValue() & 0xFFFF_FFFFL);
        body.write(suffix, 12, 4);
        return body.toByteArray();
    }
}
