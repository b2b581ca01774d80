// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.device.DeviceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DfuSe memory map, as ST's ROM DFU puts it in the interface string:
 * {@code @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg}: {@code @}, a name, then one or
 * more segments {@code /ADDRESS/GROUPS}, GROUPS comma-separated {@code COUNT*SIZE} with a unit
 * (space or B for bytes, K, M) and an access letter (a..g), as UM0424 and dfu-util read it. The
 * string is the device's word: it must match that grammar whole, since text skipped would move
 * every sector after it, and its numbers are held to the limits of a layout file before a map is
 * built. Segments after the first must continue the flash where the one before ends: fwdelta
 * flashes one contiguous flash. The access letter is 'a' plus its access bits less one (bits 1
 * readable, 2 erasable, 4 writable: a readable, b erasable, d writable, g all three): the sectors
 * of a group without the erase bit are kept in {@code unerasable}, as the device will not erase
 * them (a DfuSe bootloader guarding its own).
 */
public record MemoryMap(String name, long base, String sectors, List<Unerasable> unerasable) {
    /** Sectors {@code first .. first + count - 1} of the map, marked with an access letter that cannot erase. */
    public record Unerasable(int first, int count, char access) {}

    /** The access bit that lets the device erase a sector (the letter less 'a', plus one). */
    private static final int ERASABLE = 2;

    private static final Pattern GROUP = Pattern.compile("(\\d+)\\*(\\d+)([ BKM])([a-g])");
    private static final String GROUP_FORM = "COUNT*SIZE, a unit (space, B, K or M) and a type letter a..g, e.g. 04*016Kg";
    /** The last address of the 32-bit bus: the flash must end by it. */
    private static final long MAX_ADDRESS = 0xFFFF_FFFFL;

    public static MemoryMap parse(String descriptor) {
        String s = descriptor.strip();
        if (!s.startsWith("@")) {
            throw bad(descriptor, "it does not start with '@'");
        }
        // name, then ADDRESS and GROUPS in turn: an odd count of at least three.
        String[] parts = s.substring(1).split("/", -1);
        String name = parts[0].strip();
        if (name.isEmpty()) {
            throw bad(descriptor, "no name between '@' and the first '/'");
        }
        if (parts.length < 3 || parts.length % 2 == 0) {
            throw bad(descriptor, "expected the name, then one or more /ADDRESS/GROUPS, found "
                    + (parts.length - 1) + " '/'-separated fields after the name");
        }
        long base = -1;
        long end = -1;
        List<String> groups = new ArrayList<>();
        List<Unerasable> unerasable = new ArrayList<>();
        long sectors = 0;
        for (int seg = 1; seg < parts.length; seg += 2) {
            int segment = (seg + 1) / 2;
            long address = number(descriptor, segment == 1 ? "base address" : "address of segment " + segment,
                    parts[seg].strip(), "", 0, MAX_ADDRESS);
            if (segment == 1) {
                base = address;
                end = address;
            } else if (address != end) {
                throw bad(descriptor, String.format("segment %d starts at 0x%08x, expected 0x%08x where segment %d "
                        + "ends (one contiguous flash)", segment, address, end, segment - 1));
            }
            long maxFlash = Math.min(DeviceLayout.MAX_FLASH_BYTES, MAX_ADDRESS + 1 - base);
            for (String group : parts[seg + 1].split(",", -1)) {
                Matcher m = GROUP.matcher(group);
                if (!m.matches()) {
                    throw bad(descriptor, "segment " + segment + " group '" + group + "' is not " + GROUP_FORM);
                }
                String unit = m.group(3).equals(" ") || m.group(3).equals("B") ? "" : m.group(3);
                long unitBytes = switch (unit) {
                    case "K" -> 1024;
                    case "M" -> 1024 * 1024;
                    default -> 1;
                };
                long count = number(descriptor, "sector count", m.group(1), "", 1, DeviceLayout.MAX_SECTORS);
                long size = number(descriptor, "sector size", m.group(2), unit, 1,
                        DeviceLayout.MAX_FLASH_BYTES / unitBytes);
                // Both factors are bounded above, so neither sum can overflow before it is checked.
                sectors += count;
                end += count * size * unitBytes;
                inRange(descriptor, "number of sectors in all", sectors, "", 1, DeviceLayout.MAX_SECTORS);
                inRange(descriptor, String.format("flash size from 0x%08x", base), end - base, "", 1, maxFlash);
                groups.add(count + "x" + size + unit);
                char access = m.group(4).charAt(0);
                if (((access - 'a' + 1) & ERASABLE) == 0) {
                    unerasable.add(new Unerasable((int) (sectors - count), (int) count, access));
                }
            }
        }
        return new MemoryMap(name, base, String.join(", ", groups), List.copyOf(unerasable));
    }

    /** The access letter of {@code sector} when it marks the sector not erasable, else empty. */
    public Optional<Character> unerasableAccess(int sector) {
        for (Unerasable u : unerasable) {
            if (sector >= u.first() && sector < u.first() + u.count()) {
                return Optional.of(u.access());
            }
        }
        return Optional.empty();
    }

    /** A number of the map (decimal, or hex after 0x) in {@code lo..hi}; too many digits is out of range too. */
    private static long number(String descriptor, String field, String text, String unit, long lo, long hi) {
        try {
            long v = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16)
                    : Long.parseLong(text);
            return inRange(descriptor, field, v, unit, lo, hi);
        } catch (NumberFormatException e) {
            throw outOfRange(descriptor, field, text, unit, lo, hi);
        }
    }

    private static long inRange(String descriptor, String field, long v, String unit, long lo, long hi) {
        if (v < lo || v > hi) {
            throw outOfRange(descriptor, field, Long.toString(v), unit, lo, hi);
        }
        return v;
    }

    private static IllegalArgumentException outOfRange(String descriptor, String field, String value, String unit,
            long lo, long hi) {
        return bad(descriptor, "bad value for " + field + ": " + value + unit + " (valid range " + lo + unit + ".."
                + hi + unit + ")");
    }

    private static IllegalArgumentException bad(String descriptor, String problem) {
        return new IllegalArgumentException("DfuSe memory map '" + descriptor + "': " + problem);
    }

    /** The part as the delta flasher needs it (DfuSe reports no product id). */
    public Stm32Part asPart() {
        return new Stm32Part("dfuse:" + name, 0, base, sectors, true, 4, 0);
    }
}
