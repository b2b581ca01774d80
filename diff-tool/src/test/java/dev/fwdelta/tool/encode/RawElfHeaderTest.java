// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.HashIndex;
import dev.fwdelta.tool.image.ElfImage;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The header of a raw image that is an ELF file: its machine and link base, read only where it holds together. */
class RawElfHeaderTest {
    /** A 32-bit ARM ELF header with one program header of the given type, file offset and address. */
    static byte[] elf32(int type, long offset, long address) {
        byte[] image = new byte[0x200];
        image[0] = 0x7F;
        image[1] = 'E';
        image[2] = 'L';
        image[3] = 'F';
        image[4] = 1; // ELFCLASS32
        image[5] = 1; // little-endian
        LittleEndian.put16(image, 18, 40); // ARM
        LittleEndian.put32(image, 28, 0x34); // e_phoff
        LittleEndian.put16(image, 42, 32); // e_phentsize
        LittleEndian.put16(image, 44, 1); // e_phnum
        LittleEndian.put32(image, 0x34, type);
        LittleEndian.put32(image, 0x34 + 4, offset);
        LittleEndian.put32(image, 0x34 + 8, address);
        return image;
    }

    @Test
    void theFirstLoadableSegmentGivesTheLinkBase() {
        assertEquals(OptionalLong.of(0x0800_0000L), RawElfHeader.linkBase(elf32(1, 0x100, 0x0800_0100L)));
        assertEquals(OptionalInt.of(40), RawElfHeader.machine(elf32(1, 0x100, 0x0800_0100L)));
        // a shared library is linked at 0: the pass over its diff finds the same base
        Corpus.Pair libpython = Corpus.pair("libpython");
        byte[] old = libpython.oldBytes();
        byte[] neu = libpython.newBytes();
        assertEquals(OptionalLong.of(0), RawElfHeader.linkBase(old));
        DiffRuns runs = DiffRuns.of(AlignmentScanner.diff(HashIndex.of(old), neu, AlignmentScanner.NEW_ALIGNMENT_MARGIN));
        RelocationMap shifts = RelocationPlanner.plan(runs, old.length, 255);
        assertEquals(RawElfHeader.linkBase(old), LinkAddressFinder.find(old, neu, runs, shifts));
    }

    @Test
    void aHeaderThatDoesNotHoldTogetherSaysNothing() {
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(elf32(6, 0, 0x1000)), "no PT_LOAD");
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(elf32(1, 0x200, 0x1200)), "segment past the image");
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(elf32(1, 0x100, 0x80)), "address below the offset");
        byte[] tableOutside = elf32(1, 0, 0x1000);
        LittleEndian.put32(tableOutside, 28, 0x1F0); // 32-byte program header from 0x1F0: past 0x200
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(tableOutside), "program header past the image");
        byte[] shortEntries = elf32(1, 0, 0x1000);
        LittleEndian.put16(shortEntries, 42, 8);
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(shortEntries), "e_phentsize below 32");
        // a table that fits the image, but with more entries than an ELF input may have
        byte[] tooMany = Arrays.copyOf(elf32(1, 0, 0x1000), 0x34 + 32 * (ElfImage.MAX_PROGRAM_HEADERS + 1));
        LittleEndian.put16(tooMany, 44, ElfImage.MAX_PROGRAM_HEADERS + 1);
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(tooMany), "e_phnum over the limit");
        byte[] bigEndian = elf32(1, 0, 0x1000);
        bigEndian[5] = 2;
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(bigEndian));
        assertEquals(OptionalInt.empty(), RawElfHeader.machine(bigEndian));
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(Arrays.copyOf(elf32(1, 0, 0x1000), 40)), "truncated");
        // raw firmware has no header at all
        assertEquals(OptionalLong.empty(), RawElfHeader.linkBase(Corpus.pair("pyb-small").oldBytes()));
    }
}
