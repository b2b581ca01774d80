// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.flash.SectorMap;
import java.util.ArrayList;
import java.util.List;

/**
 * How the bootloader swaps the slots: in groups of consecutive sectors that together fit the
 * scratch area (one 128 KiB sector on an STM32F4, sixteen 2 KiB pages on an STM32L4), covering
 * the larger of the two images. Fewer, larger groups mean fewer log records per install.
 */
final class SwapPlan {
    /** A group: slot offset and length in bytes, first sector index within the slot, sector count. */
    record Group(long offset, long length, int firstSector, int sectors) {
    }

    /**
     * Boot log slots kept for records torn by power cuts (each cut during an append uses a slot);
     * fwd_device.h's FWD_BOOT_LOG_SPARE. More tears than this make the bootloader revert without
     * the log (docs/DEVICE.md "When the boot log is full").
     */
    static final int BOOT_LOG_SPARE = 8;

    /**
     * Records an install can need: INSTALL, three steps per group for the swap and for a revert,
     * SWAPPED, TRIAL, REVERT, REVERTED (or CONFIRMED instead of the revert); and the spare slots.
     */
    static long recordsNeeded(int groups) {
        return 1 + 6L * groups + 4 + BOOT_LOG_SPARE;
    }

    static List<Group> groups(DeviceLayout layout, long bytes) {
        SectorMap map = layout.geometry().sectors();
        int first = map.sectorAt(layout.active().offset());
        int slotSectors = map.sectorAt(layout.active().end() - 1) - first + 1;
        List<Group> out = new ArrayList<>();
        long covered = 0;
        int s = 0;
        while (covered < Math.max(bytes, 1) && s < slotSectors) {
            long length = map.size(first + s);
            int count = 1;
            while (s + count < slotSectors && length + map.size(first + s + count) <= layout.scratch().size()) {
                length += map.size(first + s + count);
                count++;
            }
            out.add(new Group(covered, length, s, count));
            covered += length;
            s += count;
        }
        return out;
    }
}
