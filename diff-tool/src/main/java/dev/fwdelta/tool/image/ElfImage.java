// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What an ELF executable puts in flash: its PT_LOAD segments' file bytes at their physical
 * addresses (p_paddr: the load address, which for initialised data is in flash while p_vaddr is in
 * RAM), as regions ({@link RegionCollector}). Symbols and debug sections are not read. A small
 * reader of the ELF header and the program header table (the only parts needed) rather than a
 * library: every offset, count and size in them is checked against the limits below before use.
 */
public final class ElfImage {
    /** Program header entries read at most (linkers write a handful for firmware). */
    public static final int MAX_PROGRAM_HEADERS = 1024;
    static final int ET_EXEC = 2;
    public static final int PT_LOAD = 1;

    /** The regions and e_machine of an ELF file. */
    public record Contents(List<ImageRegion> regions, int machine) {
    }

    private ElfImage() {}

    /** Reads bytes from a position of the ELF file, as {@link FileChannel#read(ByteBuffer, long)} does. */
    @FunctionalInterface
    private interface PositionalRead {
        /** Bytes read into {@code dst} from {@code position} on, -1 at the end of the file. */
        int read(ByteBuffer dst, long position) throws IOException;
    }

    public static Contents read(Path path, String what) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch::read, ch.size(), what);
        }
    }

    /** The ELF file held in {@code file} (one that could be read only once, such as a pipe). */
    static Contents read(byte[] file, String what) throws IOException {
        return read((dst, position) -> {
            if (position >= file.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), file.length - position);
            dst.put(file, (int) position, n);
            return n;
        }, file.length, what);
    }

    private static Contents read(PositionalRead ch, long fileSize, String what) throws IOException {
        ByteBuffer ident = read(ch, 0, 16, fileSize, what, "e_ident");
        int elfClass = ident.get(4);
        int data = ident.get(5);
        if (elfClass != 1 && elfClass != 2) {
            throw bad(what, "EI_CLASS is " + elfClass + " (valid: 1 ELF32, 2 ELF64)");
        }
        if (data != 1 && data != 2) {
            throw bad(what, "EI_DATA is " + data + " (valid: 1 little-endian, 2 big-endian)");
        }
        boolean is64 = elfClass == 2;
        ByteOrder order = data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = read(ch, 0, is64 ? 64 : 52, fileSize, what, "ELF header").order(order);
        int type = h.getShort(16) & 0xFFFF;
        int machine = h.getShort(18) & 0xFFFF;
        if (type != ET_EXEC) {
            throw bad(what, "e_type is " + type + " (" + typeName(type) + "); fwdelta reads executables "
                    + "(ET_EXEC, what a firmware link produces)" + (type == 3
                    ? "; a shared library is updated as the file itself: name it .so" : ""));
        }
        long phoff = is64 ? h.getLong(32) : h.getInt(28) & 0xFFFF_FFFFL;
        int phentsize = h.getShort(is64 ? 54 : 42) & 0xFFFF;
        int phnum = h.getShort(is64 ? 56 : 44) & 0xFFFF;
        int minEntry = is64 ? 56 : 32;
        check(what, "e_phnum", phnum, 1, MAX_PROGRAM_HEADERS);
        check(what, "e_phentsize", phentsize, minEntry, 256);
        // The table's size first: the range of e_phoff is what is left of the file after it.
        long tableSize = (long) phnum * phentsize;
        if (tableSize > fileSize) {
            long fit = fileSize / phentsize;
            throw bad(what, "bad value for e_phnum: " + phnum + " (" + phnum + " program headers of e_phentsize "
                    + phentsize + " are " + tableSize + " bytes, more than the " + fileSize + "-byte file"
                    + (fit > 0 ? "; valid range 1.." + fit : "") + ")");
        }
        check(what, "e_phoff", phoff, 0, fileSize - tableSize);
        RegionCollector regions = new RegionCollector(what);
        for (Segment s : loadSegments(ch, new Table(phoff, phentsize, phnum, is64, order), fileSize, what)) {
            regions.add(s.paddr(), read(ch, s.offset(), (int) s.filesz(), fileSize, what, s.name()).array(),
                    " " + s.name());
        }
        return new Contents(regions.regions(), machine);
    }

    /** The program header table: where, its entries' size and number, and how they are encoded. */
    private record Table(long offset, int entrySize, int count, boolean is64, ByteOrder order) {
    }

    /** A PT_LOAD segment with file bytes, its fields checked. */
    private record Segment(String name, long offset, long paddr, long filesz) {
    }

    /**
     * The PT_LOAD segments with file bytes, every field checked, and their p_filesz together
     * against the data limit, before any segment is read: segments may all point at the same
     * bytes of the file, so a small file could otherwise have many times its size read.
     */
    private static List<Segment> loadSegments(PositionalRead ch, Table t, long fileSize, String what)
            throws IOException {
        int minEntry = t.is64() ? 56 : 32;
        List<Segment> segments = new ArrayList<>();
        long data = 0;
        for (int i = 0; i < t.count(); i++) {
            ByteBuffer ph = read(ch, t.offset() + (long) i * t.entrySize(), minEntry, fileSize, what,
                    "program header " + i).order(t.order());
            if (ph.getInt(0) != PT_LOAD) {
                continue;
            }
            long offset = t.is64() ? ph.getLong(8) : ph.getInt(4) & 0xFFFF_FFFFL;
            long paddr = t.is64() ? ph.getLong(24) : ph.getInt(12) & 0xFFFF_FFFFL;
            long filesz = t.is64() ? ph.getLong(32) : ph.getInt(16) & 0xFFFF_FFFFL;
            String seg = "segment " + i;
            check(what, seg + " p_filesz", filesz, 0, RegionCollector.MAX_DATA);
            if (filesz > fileSize) {
                throw bad(what, "bad value for " + seg + " p_filesz: " + filesz + " (more than the " + fileSize
                        + "-byte file; valid range 0.." + fileSize + ")");
            }
            if (data + filesz > RegionCollector.MAX_DATA) {
                throw bad(what, "bad value for " + seg + " p_filesz: " + filesz + " (the PT_LOAD segments before it "
                        + "hold " + data + " bytes, all together at most " + RegionCollector.MAX_DATA
                        + ": valid range 0.." + (RegionCollector.MAX_DATA - data) + ")");
            }
            check(what, seg + " p_offset", offset, 0, fileSize - filesz);
            check(what, seg + " p_paddr", paddr, 0, RegionCollector.ADDRESS_LIMIT - filesz);
            if (filesz > 0) {
                data += filesz;
                segments.add(new Segment(seg, offset, paddr, filesz));
            }
        }
        return segments;
    }

    private static ByteBuffer read(PositionalRead ch, long at, int n, long fileSize, String what, String part)
            throws IOException {
        if (at < 0 || at + n > fileSize) {
            throw bad(what, part + " (" + n + " bytes at " + at + ") runs past the end of the " + fileSize + "-byte file");
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException(what + ": file shrank while it was read");
            }
        }
        return b;
    }

    private static void check(String what, String field, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw bad(what, "bad value for " + field + ": " + Long.toUnsignedString(value) + " (valid range " + lo
                    + ".." + hi + ")");
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 1 -> "relocatable object";
            case 3 -> "shared object";
            case 4 -> "core file";
            default -> "unknown";
        };
    }

    private static BadImageException bad(String what, String problem) {
        return new BadImageException(what + ": ELF: " + problem);
    }
}
