// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.image.ElfImage;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the header of an image that is itself an ELF file (a shared library, read raw) says of
 * it: the instruction set, and the address its bytes are linked at. A firmware image has no such
 * header; its link address is found from the diff instead ({@link LinkAddressFinder}). Only
 * little-endian files are read: every instruction set fwdelta has views for is. The header is
 * part of an input file: every offset it gives is checked against the image before it is read,
 * and a header that does not hold together says nothing.
 */
final class RawElfHeader {
    private static final int ELFCLASS32 = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    /** Bytes of the ELF header, and of a program header, in the 32-bit and the 64-bit layout. */
    private static final int HEADER_32 = 52;
    private static final int HEADER_64 = 64;
    private static final int PROGRAM_HEADER_32 = 32;
    private static final int PROGRAM_HEADER_64 = 56;

    private RawElfHeader() {}

    /** e_machine of a little-endian ELF image, or empty for anything else (raw firmware). */
    static OptionalInt machine(byte[] image) {
        if (!isLittleEndianElf(image)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(LittleEndian.u16(image, 18));
    }

    /**
     * The link base: the address minus the file offset of the first loadable segment (PT_LOAD),
     * which holds the ELF header and the code (a shared library's is 0). Empty when the image is
     * no little-endian ELF file, has no loadable segment, has more program headers than an ELF
     * input may ({@link ElfImage#MAX_PROGRAM_HEADERS}), or they lie outside it.
     */
    static OptionalLong linkBase(byte[] image) {
        if (!isLittleEndianElf(image)) {
            return OptionalLong.empty();
        }
        boolean wide = image[4] == ELFCLASS64;
        long tableOffset = wide ? LittleEndian.u64(image, 32) : LittleEndian.u32(image, 28);
        int entrySize = LittleEndian.u16(image, wide ? 54 : 42);
        int entries = LittleEndian.u16(image, wide ? 56 : 44);
        if (entrySize < (wide ? PROGRAM_HEADER_64 : PROGRAM_HEADER_32) || entries > ElfImage.MAX_PROGRAM_HEADERS
                || tableOffset < 0
                || tableOffset + (long) entrySize * entries > image.length) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < entries; i++) {
            int at = (int) tableOffset + i * entrySize;
            if (LittleEndian.u32(image, at) != ElfImage.PT_LOAD) {
                continue;
            }
            long offset = wide ? LittleEndian.u64(image, at + 8) : LittleEndian.u32(image, at + 4);
            long address = wide ? LittleEndian.u64(image, at + 16) : LittleEndian.u32(image, at + 8);
            // u64 gives values past Long.MAX_VALUE as negative ones: refused with the rest.
            return offset >= 0 && offset < image.length && address >= offset
                    ? OptionalLong.of(address - offset) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static boolean isLittleEndianElf(byte[] image) {
        if (image.length < HEADER_32 || image[0] != 0x7F || image[1] != 'E' || image[2] != 'L' || image[3] != 'F'
                || image[5] != ELFDATA2LSB) {
            return false;
        }
        return image[4] == ELFCLASS32 || image[4] == ELFCLASS64 && image.length >= HEADER_64;
    }
}
