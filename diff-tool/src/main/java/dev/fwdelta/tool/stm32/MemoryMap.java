// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.device.DeviceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DfuSe memory map, as ST's ROM DFU puts it in the interface string:
 * {@code @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg}: name, base address, then
 * groups of COUNT*SIZE with a unit (B, K, M) and an access letter (a..g). The string is the
 * device's word: its numbers are held to the limits of a layout file before a map is built.
 */
public record MemoryMap(String name, long base, String sectors) {
    private static final Pattern GROUP = Pattern.compile("(\\d+)\\*(\\d+)([ BKM])([a-g])");
    /** The last address of the 32-bit bus: the flash must end by it. */
    private static final long MAX_ADDRESS = 0xFFFF_FFFFL;

    public static MemoryMap parse(String s) {
        if (!s.startsWith("@")) {
            throw new IllegalArgumentException("not a DfuSe memory map (no '@'): " + s);
        }
        String[] parts = s.substring(1).split("/");
        if (parts.length < 3) {
            throw new IllegalArgumentException("DfuSe memory map needs @name/base/sectors: " + s);
        }
        long base = number("base address", parts[1].strip(), "", 0, MAX_ADDRESS);
        long maxFlash = Math.min(DeviceLayout.MAX_FLASH_BYTES, MAX_ADDRESS + 1 - base);
        List<String> groups = new ArrayList<>();
        long sectors = 0;
        long total = 0;
        Matcher m = GROUP.matcher(parts[2]);
        while (m.find()) {
            String unit = m.group(3).equals(" ") || m.group(3).equals("B") ? "" : m.group(3);
            long unitBytes = switch (unit) {
                case "K" -> 1024;
                case "M" -> 1024 * 1024;
                default -> 1;
            };
            long count = number("sector count", m.group(1), "", 1, DeviceLayout.MAX_SECTORS);
            long size = number("sector size", m.group(2), unit, 1, DeviceLayout.MAX_FLASH_BYTES / unitBytes);
            // Both factors are bounded above, so neither sum can overflow before it is checked.
            sectors += count;
            total += count * size * unitBytes;
            inRange("number of sectors in all", sectors, "", 1, DeviceLayout.MAX_SECTORS);
            inRange(String.format("flash size from 0x%08x", base), total, "", 1, maxFlash);
            groups.add(count + "x" + size + unit);
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("DfuSe memory map has no sector groups: " + s);
        }
        return new MemoryMap(parts[0].strip(), base, String.join(", ", groups));
    }

    /** A number of the map (decimal, or hex after 0x) in {@code lo..hi}; too many digits is out of range too. */
    private static long number(String field, String text, String unit, long lo, long hi) {
        try {
            long v = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16)
                    : Long.parseLong(text);
            return inRange(field, v, unit, lo, hi);
        } catch (NumberFormatException e) {
            throw outOfRange(field, text, unit, lo, hi);
        }
    }

    private static long inRange(String field, long v, String unit, long lo, long hi) {
        if (v < lo || v > hi) {
            throw outOfRange(field, Long.toString(v), unit, lo, hi);
        }
        return v;
    }

    private static IllegalArgumentException outOfRange(String field, String value, String unit, long lo, long hi) {
        return new IllegalArgumentException("DfuSe memory map: bad value for " + field + ": " + value + unit
                + " (valid range " + lo + unit + ".." + hi + unit + ")");
    }

    /** The part as the delta flasher needs it (DfuSe reports no product id). */
    public Stm32Part asPart() {
        return new Stm32Part("dfuse:" + name, 0, base, sectors, true, 4, 0);
    }
}
