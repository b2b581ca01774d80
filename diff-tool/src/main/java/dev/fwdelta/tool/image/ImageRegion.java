// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/** Bytes programmed from {@code address} on: one stretch of an image file without a wide gap. */
public record ImageRegion(long address, byte[] bytes) {
    /** The first address after the region. */
    public long end() {
        return address + bytes.length;
    }

    @Override
    public String toString() {
        String name = RegionNames.of(address);
        return String.format("0x%08x..0x%08x (%d bytes%s)", address, end(), bytes.length,
                name == null ? "" : ", " + name);
    }
}
