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
    /** All data records of a file hold at most this many bytes together. */
    static final long MAX_DATA = 256L << 20;
    static final byte ERASED = (byte) 0xFF;
    /** Addresses are 32-bit: a record must end at or below 2^32. */
    static final long ADDRESS_LIMIT = 1L << 32;

    private final String what;
    private final TreeMap<Long, byte[]> chunks = new TreeMap<>();
    private long total;

    /** {@code what} names the file in messages. */
    RegionCollector(String what) {
        this.what = what;
    }

    /** Adds data at {@code address}; refuses an overlap with earlier data and anything past 2^32. */
    void add(long address, byte[] data, String where) {
        if (data.length == 0) {
            return;
        }
        if (address < 0 || address + data.length > ADDRESS_LIMIT) {
            throw new BadImageException(String.format("%s%s: data at 0x%x..0x%x is outside the 32-bit address "
                    + "space (0..0x100000000)", what, where, address, address + data.length));
        }
        total += data.length;
        if (total > MAX_DATA) {
            throw new BadImageException(what + where + ": more than " + MAX_DATA + " bytes of data (the most fwdelta reads)");
        }
        Map.Entry<Long, byte[]> before = chunks.floorEntry(address + data.length - 1);
        if (before != null && before.getKey() + before.getValue().length > address) {
            throw new BadImageException(String.format("%s%s: data at 0x%08x overlaps data already given at 0x%08x",
                    what, where, address, before.getKey()));
        }
        chunks.put(address, data);
    }

    /** The regions in address order; their spans are checked, one by one and together, before any is allocated. */
    List<ImageRegion> regions() {
        List<List<Map.Entry<Long, byte[]>>> groups = new ArrayList<>();
        long end = -1;
        for (Map.Entry<Long, byte[]> e : chunks.entrySet()) {
            if (groups.isEmpty() || e.getKey() - end > SPLIT_GAP) {
                groups.add(new ArrayList<>());
            }
            groups.get(groups.size() - 1).add(e);
            end = e.getKey() + e.getValue().length;
        }
        long spans = 0;
        for (List<Map.Entry<Long, byte[]>> group : groups) {
            long start = group.get(0).getKey();
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
        return groups.stream().map(this::join).toList();
    }

    private static long endOf(List<Map.Entry<Long, byte[]>> group) {
        Map.Entry<Long, byte[]> last = group.get(group.size() - 1);
        return last.getKey() + last.getValue().length;
    }

    private ImageRegion join(List<Map.Entry<Long, byte[]>> group) {
        long start = group.get(0).getKey();
        long end = endOf(group);
        byte[] bytes = new byte[(int) (end - start)];
        Arrays.fill(bytes, ERASED);
        for (Map.Entry<Long, byte[]> e : group) {
            System.arraycopy(e.getValue(), 0, bytes, (int) (e.getKey() - start), e.getValue().length);
        }
        return new ImageRegion(start, bytes);
    }
}
