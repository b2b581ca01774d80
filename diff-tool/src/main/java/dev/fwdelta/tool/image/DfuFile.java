// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import dev.fwdelta.runtime.format.LittleEndian;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads a DFU file (USB DFU 1.1 and ST's DfuSe, UM0391): the bytes dfu-util would download, without
 * the 16-byte suffix that ends every such file. The suffix is not part of the image: read as a raw
 * binary, a vendor's .dfu file would make a patch for an image that is on no device.
 *
 * <pre>
 * plain DFU 1.1: image | suffix
 * DfuSe:         prefix (11): "DfuSe" | u8 version 1 | u32 size of the file without suffix | u8 targets
 *                then per target (274 + size): "Target" | u8 alternate setting | u32 named | 255-byte name
 *                                              | u32 size of its elements | u32 elements
 *                then per element: u32 address | u32 size | data       (little-endian throughout)
 * suffix (16):   u16 bcdDevice | u16 idProduct | u16 idVendor | u16 bcdDFU | "UFD" | u8 length 16 | u32 CRC
 * </pre>
 * The CRC is CRC-32 (reflected 0x04C11DB7, init 0xFFFFFFFF) of every byte before it, without the
 * final inversion. A plain DFU file says nothing of where its image goes (as a raw binary); a
 * DfuSe file gives each element's address, and its targets (alternate settings: internal flash,
 * option bytes) are regions as a HEX file's are.
 */
public final class DfuFile {
    /** Bytes of the suffix. */
    static final int SUFFIX = 16;
    private static final int PREFIX = 11;
    private static final int TARGET_HEADER = 274;
    private static final int ELEMENT_HEADER = 8;
    private static final byte[] DFUSE = "DfuSe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TARGET = "Target".getBytes(StandardCharsets.US_ASCII);

    private DfuFile() {}

    /** A DFU file's contents: its regions, and whether they are at addresses the file gives (DfuSe). */
    record Contents(List<ImageRegion> regions, boolean addressed) {
    }

    /** Whether the file begins as a DfuSe file does (its first bytes are enough to tell). */
    static boolean startsAsDfuse(byte[] head) {
        return startsWith(head, 0, DFUSE);
    }

    /**
     * Whether the file ends in a DFU suffix: the signature, a length of 16 and a CRC that matches. A
     * raw image ends so by chance with odds of about 2^-56.
     */
    static boolean hasSuffix(byte[] file) {
        int n = file.length;
        return n >= SUFFIX && signedSuffix(file, n) && LittleEndian.u32(file, n - 4) == crc(file, n - 4);
    }

    /** Whether the 16 bytes before {@code end} carry a suffix's signature "UFD" and length 16 (its CRC unchecked). */
    static boolean signedSuffix(byte[] bytes, int end) {
        return end >= SUFFIX && bytes[end - 8] == 'U' && bytes[end - 7] == 'F' && bytes[end - 6] == 'D'
                && (bytes[end - 5] & 0xFF) == SUFFIX;
    }

    static Contents parse(byte[] file, String what) {
        int n = file.length;
        if (n < SUFFIX || file[n - 8] != 'U' || file[n - 7] != 'F' || file[n - 6] != 'D') {
            throw bad(what, "no DFU suffix: the file does not end in the signature \"UFD\"");
        }
        if ((file[n - 5] & 0xFF) != SUFFIX) {
            throw bad(what, "DFU suffix length " + (file[n - 5] & 0xFF) + " (valid: 16)");
        }
        long stored = LittleEndian.u32(file, n - 4);
        long computed = crc(file, n - 4);
        if (stored != computed) {
            throw bad(what, String.format("DFU suffix CRC 0x%08x, the file's is 0x%08x", stored, computed));
        }
        int body = n - SUFFIX;
        if (!startsWith(file, 0, DFUSE)) {
            byte[] image = new byte[body];
            System.arraycopy(file, 0, image, 0, body);
            return new Contents(List.of(new ImageRegion(0, image)), false);
        }
        return new Contents(dfuseRegions(file, body, what), true);
    }

    private static List<ImageRegion> dfuseRegions(byte[] file, int body, String what) {
        if (body < PREFIX) {
            throw bad(what, "DfuSe prefix of " + body + " bytes (needs " + PREFIX + ")");
        }
        if (file[5] != 1) {
            throw bad(what, "DfuSe version " + (file[5] & 0xFF) + " (valid: 1)");
        }
        long size = LittleEndian.u32(file, 6);
        if (size != body) {
            throw bad(what, "DfuSe image size " + size + " (valid: " + body + ", the file without its suffix)");
        }
        int targets = file[10] & 0xFF;
        RegionCollector regions = new RegionCollector(what);
        int at = PREFIX;
        for (int t = 0; t < targets; t++) {
            String target = "target " + t;
            if (body - at < TARGET_HEADER || !startsWith(file, at, TARGET)) {
                throw bad(what, target + " at byte " + at + ": no \"Target\" header of " + TARGET_HEADER + " bytes");
            }
            long targetSize = LittleEndian.u32(file, at + 266);
            long elements = LittleEndian.u32(file, at + 270);
            at += TARGET_HEADER;
            if (targetSize > body - at) {
                throw bad(what, target + " size " + targetSize + " (valid: 0.." + (body - at) + ", the bytes left)");
            }
            int end = at + (int) targetSize;
            for (long e = 0; e < elements; e++) {
                String element = target + " element " + e;
                if (end - at < ELEMENT_HEADER) {
                    throw bad(what, element + ": header runs past the end of its target (" + elements
                            + " elements in " + targetSize + " bytes)");
                }
                long address = LittleEndian.u32(file, at);
                long length = LittleEndian.u32(file, at + 4);
                at += ELEMENT_HEADER;
                if (length > end - at) {
                    throw bad(what, element + " size " + length + " (valid: 0.." + (end - at)
                            + ", the bytes left in its target)");
                }
                regions.requireRoom(length, " " + element); // before the copy, not after it
                byte[] data = new byte[(int) length];
                System.arraycopy(file, at, data, 0, data.length);
                regions.add(address, data, " " + element);
                at += data.length;
            }
            if (at != end) {
                throw bad(what, target + ": its elements end at byte " + at + ", its size says " + end);
            }
        }
        if (at != body) {
            throw bad(what, (body - at) + " bytes after the last of " + targets + " targets, before the suffix");
        }
        return regions.regions();
    }

    private static long crc(byte[] file, int length) {
        CRC32 crc = new CRC32();
        crc.update(file, 0, length);
        return ~crc.getValue() & 0xFFFF_FFFFL;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        if (bytes.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static BadImageException bad(String what, String problem) {
        return new BadImageException(what + ": " + problem);
    }
}
