// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.flash.SectorMap;
import java.util.Arrays;

/**
 * The one rule for the bytes of a flash write that the image does not fill: its tail is padded
 * with 0xFF up to the unit the flash programs in. ECC flash (double words on the g071 and l476)
 * refuses a unit programmed in part, and refuses a second program of a unit, so the image's last
 * bytes can only go in a whole unit whose rest is the erased value. The padding stays in the
 * sector that holds the write's last byte: that sector was erased for the image, the next one
 * was not, and nothing is written to an address the image was not built for.
 */
public final class ProgramUnitTail {
    private ProgramUnitTail() {}

    /**
     * {@code data}, to be written at flash offset {@code offset}, padded with 0xFF to a multiple of
     * {@code unit} (a power of two); {@code data} itself when it already is one.
     *
     * @throws IllegalArgumentException if the offset is not a multiple of the unit, the write is
     *     outside the flash, or the padding would reach past the end of the write's last sector
     */
    public static byte[] pad(SectorMap map, long offset, byte[] data, int unit) {
        if (unit <= 0 || Integer.bitCount(unit) != 1) {
            throw new IllegalArgumentException("program unit must be a power of two, got " + unit);
        }
        if (offset % unit != 0) {
            throw new IllegalArgumentException(String.format("flash write at offset 0x%x is not aligned to the"
                    + " program unit of %d bytes", offset, unit));
        }
        long size = map.totalSize();
        if (offset < 0 || offset + data.length > size) {
            throw new IllegalArgumentException(String.format("flash write at offset 0x%x of %d bytes is outside the"
                    + " flash (valid range 0x0..0x%x)", offset, data.length, size));
        }
        int padded = (data.length + unit - 1) & -unit;
        if (padded == data.length) {
            return data;
        }
        int last = map.sectorAt(offset + data.length - 1);
        long sectorEnd = map.start(last) + map.size(last);
        if (offset + padded > sectorEnd) {
            throw new IllegalArgumentException(String.format("flash write at offset 0x%x of %d bytes padded to the"
                    + " program unit of %d bytes would end at 0x%x, past the end of sector %d at 0x%x", offset,
                    data.length, unit, offset + padded, last, sectorEnd));
        }
        byte[] out = Arrays.copyOf(data, padded);
        Arrays.fill(out, data.length, padded, (byte) 0xFF);
        return out;
    }
}
