// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The sectors of a flash device, in address order: uniform (nRF52: 256 x 4 KiB) or mixed
 * (STM32F4: 4 x 16 KiB, 1 x 64 KiB, 7 x 128 KiB). Offsets are from the start of the flash.
 */
public final class SectorMap {
    /** The most sectors a map may have: far more than any preset has, even the one with the smallest sectors. */
    public static final int MAX_SECTORS = 65536;

    private final long[] starts;
    private final long[] sizes;
    private final long total;

    public SectorMap(List<Long> sectorSizes) {
        if (sectorSizes.isEmpty()) {
            throw new IllegalArgumentException("a flash needs at least one sector");
        }
        starts = new long[sectorSizes.size()];
        sizes = new long[sectorSizes.size()];
        long at = 0;
        for (int i = 0; i < sizes.length; i++) {
            long s = sectorSizes.get(i);
            if (s <= 0) {
                throw new IllegalArgumentException("sector size must be positive, got " + s);
            }
            starts[i] = at;
            sizes[i] = s;
            at += s;
        }
        total = at;
    }

    /** Parses "4x16K, 1x64K, 7x128K" (K = 1024, M = 1024 K). */
    public static SectorMap parse(String spec) {
        List<Long> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] nx = part.trim().toUpperCase(Locale.ROOT).split("X");
            if (nx.length != 2) {
                throw new IllegalArgumentException("sector group '" + part.trim() + "' is not COUNTxSIZE");
            }
            int count = count(nx[0].trim(), out.size());
            long size = Sizes.parse(nx[1].trim());
            for (int i = 0; i < count; i++) {
                out.add(size);
            }
        }
        return new SectorMap(out);
    }

    /** A group's COUNT, checked before its sectors are added: a huge one would exhaust memory. */
    private static int count(String text, int sectorsSoFar) {
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            count = -1; // not a number, or past any int: reported with the range below
        }
        if (count < 1 || count > MAX_SECTORS - sectorsSoFar) {
            throw new IllegalArgumentException("bad value for sector count: " + text + " (valid range 1.." + MAX_SECTORS
                    + ", at most " + MAX_SECTORS + " sectors in all)");
        }
        return count;
    }

    public int count() {
        return sizes.length;
    }

    public long totalSize() {
        return total;
    }

    public long start(int sector) {
        return starts[sector];
    }

    public long size(int sector) {
        return sizes[sector];
    }

    /** The sector holding {@code offset}. */
    public int sectorAt(long offset) {
        if (offset < 0 || offset >= total) {
            throw new IllegalArgumentException("offset " + offset + " outside the flash (0.." + (total - 1) + ")");
        }
        int i = Arrays.binarySearch(starts, offset);
        return i >= 0 ? i : -i - 2;
    }

    /** True if {@code offset} is the first byte of a sector (or the end of the flash). */
    public boolean isBoundary(long offset) {
        return offset == total || Arrays.binarySearch(starts, offset) >= 0;
    }
}
