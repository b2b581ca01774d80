// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import dev.fwdelta.runtime.flash.Sizes;

/** Addresses {@code start} (included) to {@code end} (excluded), as {@code --region START-END} gives them. */
public record AddressRange(long start, long end) {
    public AddressRange {
        if (start < 0 || end > RegionCollector.ADDRESS_LIMIT || start >= end) {
            throw new IllegalArgumentException(String.format("--region must be START-END with START < END <= "
                    + "0x100000000, not 0x%x-0x%x", start, end));
        }
    }

    /** "0x0-0x80000" (hex with 0x, or decimal). */
    public static AddressRange parse(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("--region must be START-END, e.g. 0x08000000-0x08100000, not '" + text + "'");
        }
        return new AddressRange(number(parts[0], text), number(parts[1], text));
    }

    /** A number as every number option reads it (Sizes.parseUnsigned): no signs, no digits but ASCII ones. */
    private static long number(String s, String text) {
        try {
            long v = Sizes.parseUnsigned(s);
            if (v > RegionCollector.ADDRESS_LIMIT) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--region must be START-END with numbers 0..0x100000000, not '" + text + "'");
        }
    }

    boolean contains(ImageRegion r) {
        return r.address() >= start && r.end() <= end;
    }

    boolean overlaps(ImageRegion r) {
        return r.address() < end && r.end() > start;
    }

    @Override
    public String toString() {
        return String.format("0x%x-0x%x", start, end);
    }
}
