// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.sim;

import dev.fwdelta.runtime.flash.Flash;
import dev.fwdelta.runtime.flash.FlashException;
import dev.fwdelta.runtime.flash.FlashGeometry;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A NOR flash with the rules of real parts: erase whole sectors to the erased value, program
 * aligned units only, programming only moves bits away from the erased value, and on ECC parts a
 * unit is programmed at most once per erase. A broken rule is a {@link FlashException}. Content
 * lives in memory and, optionally, in a file written through on every operation, so a device
 * image can be inspected and outlives the process. The file is forced to the disk after each
 * operation, as a chip's operation is done when it returns: a crash of the host then leaves the
 * file as a power cut between two operations would, which is what the device code survives (a
 * journal kept in another file, as {@code device poll}'s state, is written after the operations
 * it records). Reads are free; erases and programs are counted and timed, and a
 * {@link FaultPlan} can cut power before any of them.
 */
public final class NorFlash implements Flash, AutoCloseable {
    private final FlashGeometry geometry;
    private final byte[] cells;
    private final BitSet programmedUnits;
    private final FlashCounters counters;
    private final FileChannel file;
    private FaultPlan faults = FaultPlan.NONE;

    private NorFlash(FlashGeometry geometry, FileChannel file, byte[] initial) {
        this.geometry = geometry;
        this.cells = initial;
        this.programmedUnits = new BitSet((int) (geometry.sectors().totalSize() / geometry.programUnit()));
        this.counters = new FlashCounters(geometry.sectors().count());
        this.file = file;
    }

    /** A flash in memory, every sector erased. */
    public static NorFlash erased(FlashGeometry geometry) {
        byte[] cells = new byte[checkedSize(geometry)];
        Arrays.fill(cells, geometry.erasedValue());
        return new NorFlash(geometry, null, cells);
    }

    /** A flash kept in {@code path}: loaded if the file has the flash's size, else created erased. */
    public static NorFlash file(FlashGeometry geometry, Path path) throws IOException {
        int size = checkedSize(geometry);
        // Opened through java.nio, whose exceptions name the path as given (a missing directory is
        // a NoSuchFileException): RandomAccessFile's are bare text, "PATH (No such file or directory)".
        // A directory is refused by name before opening, as every other input is; so is a device or
        // a pipe, which cannot be read and written in place (its errors, "Invalid argument" or
        // "Illegal seek", name no file).
        if (Files.isDirectory(path)) {
            throw new FileSystemException(path.toString(), null, "is a directory, not a file");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new FileSystemException(path.toString(), null,
                    "is not a regular file (a pipe or a device): a flash file is read and written in place");
        }
        FileChannel f = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        byte[] cells = new byte[size];
        try {
            if (f.size() == size) {
                readFully(f, cells);
            } else {
                Arrays.fill(cells, geometry.erasedValue());
                f.truncate(0);
                writeFully(f, 0, cells, 0, size);
                f.force(true); // its size too
            }
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        return new NorFlash(geometry, f, cells);
    }

    private static void readFully(FileChannel f, byte[] dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst);
        while (b.hasRemaining()) {
            if (f.read(b, b.position()) < 0) {
                throw new EOFException("flash file ended at " + b.position() + " of " + dst.length + " bytes");
            }
        }
    }

    private static void writeFully(FileChannel f, long at, byte[] src, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(src, off, len);
        while (b.hasRemaining()) {
            f.write(b, at + b.position() - off);
        }
    }

    private static int checkedSize(FlashGeometry g) {
        if (g.sectors().totalSize() > (1 << 30)) {
            throw new IllegalArgumentException("flash model limited to 1 GiB");
        }
        return (int) g.sectors().totalSize();
    }

    @Override
    public FlashGeometry geometry() {
        return geometry;
    }

    public long size() {
        return cells.length;
    }

    public FlashCounters counters() {
        return counters;
    }

    public void setFaults(FaultPlan plan) {
        this.faults = plan == null ? FaultPlan.NONE : plan;
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        checkRange(offset, len);
        System.arraycopy(cells, (int) offset, dst, off, len);
    }

    @Override
    public void erase(int sector) throws IOException {
        FaultPlan.Outcome outcome = faults.before(counters.operations());
        int start = (int) geometry.sectors().start(sector);
        int size = (int) geometry.sectors().size(sector);
        if (outcome == FaultPlan.Outcome.CUT) {
            throw new PowerCutException(counters.operations());
        }
        // A torn erase leaves the second half of the sector as it was.
        int erasedBytes = outcome == FaultPlan.Outcome.TEAR ? size / 2 : size;
        Arrays.fill(cells, start, start + erasedBytes, geometry.erasedValue());
        int unit = geometry.programUnit();
        programmedUnits.clear(start / unit, (start + erasedBytes) / unit);
        persist(start, erasedBytes);
        counters.erase(sector, geometry.costs().erase(size));
        if (outcome == FaultPlan.Outcome.TEAR) {
            throw new PowerCutException(counters.operations() - 1);
        }
    }

    @Override
    public void program(long offset, byte[] src, int off, int len) throws IOException {
        int unit = geometry.programUnit();
        if (offset % unit != 0 || len % unit != 0 || len == 0) {
            throw new FlashException("unaligned program: offset " + offset + ", length " + len + " (program unit "
                    + unit + ")");
        }
        checkRange(offset, len);
        for (int u = 0; u < len; u += unit) {
            checkUnit((int) offset + u, src, off + u);
        }
        FaultPlan.Outcome outcome = faults.before(counters.operations());
        if (outcome == FaultPlan.Outcome.CUT) {
            throw new PowerCutException(counters.operations());
        }
        int units = len / unit;
        // A torn program writes the first half of the units, and the middle unit only partly.
        int whole = outcome == FaultPlan.Outcome.TEAR ? units / 2 : units;
        for (int u = 0; u < whole; u++) {
            writeUnit((int) offset + u * unit, src, off + u * unit, unit);
        }
        if (outcome == FaultPlan.Outcome.TEAR) {
            writeUnit((int) offset + whole * unit, src, off + whole * unit, Math.max(1, unit / 2));
            persist(offset, len);
            counters.program(whole * unit, geometry.costs().program(whole));
            throw new PowerCutException(counters.operations() - 1);
        }
        persist(offset, len);
        counters.program(len, geometry.costs().program(units));
    }

    /** Programs {@code bytes} of a unit (all of it, or the first part when torn) and marks it used. */
    private void writeUnit(int at, byte[] src, int off, int bytes) {
        boolean erasedIsOnes = geometry.erasedValue() == (byte) 0xFF;
        for (int i = 0; i < bytes; i++) {
            cells[at + i] = erasedIsOnes ? (byte) (cells[at + i] & src[off + i]) : (byte) (cells[at + i] | src[off + i]);
        }
        programmedUnits.set(at / geometry.programUnit());
    }

    private void checkUnit(int at, byte[] src, int off) throws FlashException {
        int unit = geometry.programUnit();
        if (geometry.eccUnits() && programmedUnits.get(at / unit)) {
            throw new FlashException(String.format("unit at 0x%x programmed twice without an erase (ECC flash)", at));
        }
        boolean erasedIsOnes = geometry.erasedValue() == (byte) 0xFF;
        for (int i = 0; i < unit; i++) {
            int old = cells[at + i] & 0xFF;
            int now = src[off + i] & 0xFF;
            boolean ok = erasedIsOnes ? (old & now) == now : (old | now) == now;
            if (!ok) {
                throw new FlashException(String.format("program at 0x%x would change %02x to %02x: programming can "
                        + "only move bits away from the erased value 0x%02x", at + i, old, now,
                        geometry.erasedValue() & 0xFF));
            }
        }
    }

    /** True if every byte of the range holds the erased value. */
    @Override
    public boolean isErased(long offset, int len) {
        checkRange(offset, len);
        for (int i = 0; i < len; i++) {
            if (cells[(int) offset + i] != geometry.erasedValue()) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the whole content (tests, inspection). */
    public byte[] snapshot() {
        return cells.clone();
    }

    /** Factory programming: writes bytes directly, outside the NOR rules and counters. */
    public void provision(long offset, byte[] data) throws IOException {
        checkRange(offset, data.length);
        System.arraycopy(data, 0, cells, (int) offset, data.length);
        int unit = geometry.programUnit();
        programmedUnits.set((int) (offset / unit), (int) ((offset + data.length + unit - 1) / unit));
        persist(offset, data.length);
    }

    private void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > cells.length) {
            throw new IndexOutOfBoundsException("flash access " + offset + "+" + len + " outside 0.." + cells.length);
        }
    }

    private void persist(long offset, int len) throws IOException {
        if (file != null) {
            writeFully(file, offset, cells, (int) offset, len);
            file.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
