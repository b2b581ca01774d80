// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects the data records of a HEX, S-record or ELF file by address and joins them into
 * regions: records closer than {@link #SPLIT_GAP} form one region (the gap between them holds the
 * erased value 0xFF, as the flash does after a sector erase); a wider gap starts a new region.
 * So a UICR record 256 MiB above the flash is a region of its own instead of 256 MiB of 0xFF.
 */
final class RegionCollector {
    /**
     * Gaps up to this size are filled: the largest flash sector of the parts fwdelta knows
     * (STM32F7, 256 KiB), so a gap a sector erase leaves 0xFF anyway never splits an image.
     */
    static final long SPLIT_GAP = 256 * 1024;
    /** One region spans at most this many bytes (it is held in memory). */
    static final long MAX_REGION_SPAN = 256L << 20;
    /**
     * All regions together span at most this many bytes: they are held in memory together, and
     * a few bytes of records can ask for a region of gaps each.
     */
    static final long MAX_TOTAL_SPAN = MAX_REGION_SPAN;
    /**
     * The erased bytes filled into the gaps of all regions together: far more than real firmware
     * needs (gaps between sections, a bootloader and the application a few sectors apart), while a
     * file of small records each just under {@link #SPLIT_GAP} apart would otherwise become an
     * image thousands of times its size, held in memory and diffed as such.
     */
    static final long MAX_FILL = 16L << 20;
    /** All data records of a file hold at most this many bytes together. */
    static final long MAX_DATA = 256L << 20;
    static final byte ERASED = (byte) 0xFF;
    /** Addresses are 32-bit: a record must end at or below 2^32. */
    static final long ADDRESS_LIMIT = 1L << 32;

    /**
     * At most this many runs of consecutive data (records that neither continue nor lead into
     * data already given) are held apart until the regions are joined: each costs a map entry and
     * an array besides its bytes, so a file of records a byte apart is refused instead of holding
     * an object per byte.
     */
    static final int MAX_RUNS = 1 << 16;

    private final String what;
    /** The runs by start address; they never overlap. */
    private final TreeMap<Long, DataRun> runs = new TreeMap<>();
    private long total;

    /** {@code what} names the file in messages. */
    RegionCollector(String what) {
        this.what = what;
    }

    /**
     * Refuses {@code length} more bytes of data past {@link #MAX_DATA}: a reader that copies data
     * out of its file asks before it allocates the copy.
     */
    void requireRoom(long length, String where) {
        if (total + length > MAX_DATA) {
            throw new BadImageException(what + where + ": more than " + MAX_DATA + " bytes of data (the most fwdelta reads)");
        }
    }

    /**
     * Adds data at {@code address} (the collector keeps the array); refuses an overlap with
     * earlier data and anything past 2^32. Data that continues a run, or ends where one starts,
     * joins that run.
     */
    void add(long address, byte[] data, String where) {
        if (data.length == 0) {
            return;
        }
        if (address < 0 || address + data.length > ADDRESS_LIMIT) {
            throw new BadImageException(String.format("%s%s: data at 0x%x..0x%x is outside the 32-bit address "
                    + "space (0..0x100000000)", what, where, address, address + data.length));
        }
        requireRoom(data.length, where);
        total += data.length;
        long end = address + data.length;
        Map.Entry<Long, DataRun> before = runs.floorEntry(end - 1);
        if (before != null && before.getValue().end() > address) {
            DataRun run = before.getValue();
            throw new BadImageException(String.format("%s%s: data at 0x%08x overlaps data already given at "
                    + "0x%08x..0x%08x", what, where, address, run.start(), run.end()));
        }
        if (before != null && before.getValue().end() == address) {
            before.getValue().append(data);
            return;
        }
        DataRun after = runs.remove(end);
        if (after != null) {
            after.prepend(data);
            runs.put(address, after);
            return;
        }
        if (runs.size() == MAX_RUNS) {
            throw new BadImageException(String.format("%s%s: data at 0x%08x starts run %d of consecutive data; "
                    + "runs allowed: 1..%d (records that neither continue nor lead into earlier ones)",
                    what, where, address, MAX_RUNS + 1, MAX_RUNS));
        }
        runs.put(address, new DataRun(address, data));
    }

    /** How many runs of consecutive data are held apart. */
    int runCount() {
        return runs.size();
    }

    /** The regions in address order; their spans are checked, one by one and together, before any is allocated. */
    List<ImageRegion> regions() {
        List<List<DataRun>> groups = new ArrayList<>();
        long end = -1;
        for (DataRun run : runs.values()) {
            if (groups.isEmpty() || run.start() - end > SPLIT_GAP) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(run);
            end = run.end();
        }
        long spans = 0;
        for (List<DataRun> group : groups) {
            long start = group.get(0).start();
            long span = endOf(group) - start;
            if (span > MAX_REGION_SPAN) {
                throw new BadImageException(String.format("%s: the region 0x%08x..0x%08x spans %d bytes with gaps of "
                        + "at most %d; at most %d bytes allowed", what, start, start + span, span, SPLIT_GAP,
                        MAX_REGION_SPAN));
            }
            spans += span;
        }
        if (spans > MAX_TOTAL_SPAN) {
            throw new BadImageException(String.format("%s: its %d regions span %d bytes together (gaps up to %d bytes "
                    + "filled); at most %d bytes allowed", what, groups.size(), spans, SPLIT_GAP, MAX_TOTAL_SPAN));
        }
        // Every run lies in one region, so what the regions span beyond the data is fill.
        long fill = spans - total;
        if (fill > MAX_FILL) {
            throw new BadImageException(String.format("%s: filling the gaps between its records (gaps up to %d bytes "
                    + "are filled with 0xFF) would add %d bytes to its %d bytes of data; fill allowed: 0..%d bytes",
                    what, SPLIT_GAP, fill, total, MAX_FILL));
        }
        return groups.stream().map(RegionCollector::join).toList();
    }

    private static long endOf(List<DataRun> group) {
        return group.get(group.size() - 1).end();
    }

    private static ImageRegion join(List<DataRun> group) {
        long start = group.get(0).start();
        if (group.size() == 1) {
            return new ImageRegion(start, group.get(0).bytes());
        }
        byte[] bytes = new byte[(int) (endOf(group) - start)];
        Arrays.fill(bytes, ERASED);
        for (DataRun run : group) {
            run.copyInto(bytes, (int) (run.start() - start));
        }
        return new ImageRegion(start, bytes);
    }
}
