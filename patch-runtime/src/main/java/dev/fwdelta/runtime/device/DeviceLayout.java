// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.flash.FlashCosts;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.flash.Sizes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where things live in a device's flash: the active slot (the running image), the staging slot
 * (where an update is rebuilt), a scratch sector for the power-safe swap, and two status logs (the
 * update agent's progress, the bootloader's install state). Layouts are data: a small
 * {@code key = value} file (see the presets in resources/dev/fwdelta/runtime/layouts).
 */
public record DeviceLayout(String name, long flashBase, FlashGeometry geometry, Region active, Region staging,
                           Region scratch, Region agentLog, Region bootLog) {

    /** Addresses on the bus are 32-bit. */
    static final long ADDRESS_LIMIT = 1L << 32;

    public static final List<String> PRESETS = List.of("stm32f405-1m", "stm32l4-512k", "nrf52840", "stm32l0-192k");

    public DeviceLayout {
        SectorMap map = geometry.sectors();
        if (flashBase < 0 || flashBase + map.totalSize() > ADDRESS_LIMIT) {
            // A slot's address (the load address a patch is checked against) is flash_base +
            // its offset on a 32-bit bus: it must not wrap.
            throw new IllegalArgumentException(String.format("%s: flash_base 0x%x + the flash's %d bytes run past 2^32;"
                    + " flash_base allowed: 0..0x%x", name, flashBase, map.totalSize(), ADDRESS_LIMIT - map.totalSize()));
        }
        Map<String, Region> regions = new HashMap<>();
        regions.put("active", active);
        regions.put("staging", staging);
        regions.put("scratch", scratch);
        regions.put("agent_log", agentLog);
        regions.put("boot_log", bootLog);
        for (var e : regions.entrySet()) {
            Region r = e.getValue();
            if (r.size() <= 0 || r.end() > map.totalSize() || !map.isBoundary(r.offset()) || !map.isBoundary(r.end())) {
                throw new IllegalArgumentException(name + ": " + e.getKey() + " must be whole sectors inside the flash");
            }
            for (var o : regions.entrySet()) {
                if (!o.getKey().equals(e.getKey()) && r.overlaps(o.getValue())) {
                    throw new IllegalArgumentException(name + ": " + e.getKey() + " overlaps " + o.getKey());
                }
            }
        }
        if (active.size() != staging.size()) {
            throw new IllegalArgumentException(name + ": active and staging slots must have the same size");
        }
        // The swap moves sector i of one slot to sector i of the other through the scratch area.
        int a = map.sectorAt(active.offset());
        int s = map.sectorAt(staging.offset());
        for (long at = 0; at < active.size(); ) {
            long size = map.size(a);
            if (map.size(s) != size || size > scratch.size()) {
                throw new IllegalArgumentException(name + ": slot sectors must match pairwise and fit the scratch area");
            }
            at += size;
            a++;
            s++;
        }
    }

    public static DeviceLayout preset(String name) {
        try (InputStream in = DeviceLayout.class.getResourceAsStream("/dev/fwdelta/runtime/layouts/" + name + ".layout")) {
            if (in == null) {
                throw new IllegalArgumentException("unknown layout '" + name + "' (presets: " + PRESETS + ")");
            }
            return parse(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A preset name, or a path to a layout file. */
    public static DeviceLayout load(String nameOrPath) throws IOException {
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p) || (!PRESETS.contains(nameOrPath) && looksLikePath(nameOrPath))) {
            return parse(new StringReader(LayoutFileText.read(p, MAX_FILE_BYTES)));
        }
        return preset(nameOrPath);
    }

    /**
     * No preset name has a path separator or a dot: a value with one is a file, and a missing one
     * is named as a missing file, not taken for an unknown preset.
     */
    private static boolean looksLikePath(String nameOrPath) {
        return nameOrPath.contains("/") || nameOrPath.contains(File.separator) || nameOrPath.contains(".");
    }

    /** A layout file is a few hundred bytes; anything this large is not one (docs/DEVICE.md). */
    public static final int MAX_FILE_BYTES = 64 * 1024;
    /** The largest flash a layout may describe: the simulator holds it in memory (docs/DEVICE.md). */
    public static final long MAX_FLASH_BYTES = 64L << 20;
    /** The most sectors a layout may have: as many as a {@link SectorMap} holds. */
    public static final int MAX_SECTORS = SectorMap.MAX_SECTORS;
    /** Cost figures are microseconds; a day is far beyond any flash operation. */
    static final double MAX_COST_US = 86_400e6;

    /**
     * Parses a layout file strictly: every key present, every value in its range, booleans only
     * {@code true}/{@code false}. Errors are {@link IllegalArgumentException}s naming the key.
     */
    public static DeviceLayout parse(Reader source) throws IOException {
        Properties p = new Properties();
        try {
            p.load(source);
        } catch (IllegalArgumentException malformedEscape) {
            throw new IllegalArgumentException("layout file: " + malformedEscape.getMessage(), malformedEscape);
        }
        String name = required(p, "name");
        SectorMap map = SectorMap.parse(sectors(required(p, "sectors")));
        String[] costs = required(p, "costs_us").split(",", -1);
        if (costs.length != 4) {
            throw new IllegalArgumentException("layout: costs_us needs 4 numbers (erase base, erase per KiB, program"
                    + " per call, program per unit), got " + costs.length);
        }
        FlashGeometry g;
        try {
            g = new FlashGeometry(map, (int) number(p, "program_unit", 1, 32),
                    (byte) number(p, "erased_value", 0, 0xFF), bool(p, "ecc"),
                    new FlashCosts(cost(costs[0]), cost(costs[1]), cost(costs[2]), cost(costs[3])));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layout: " + e.getMessage(), e);
        }
        return new DeviceLayout(name, number(p, "flash_base", 0, 0xFFFF_FFFFL), g, region(p, "active"),
                region(p, "staging"), region(p, "scratch"), region(p, "agent_log"), region(p, "boot_log"));
    }

    /** Checks every COUNTxSIZE group's bounds before the map is built (a huge count would exhaust memory). */
    private static String sectors(String spec) {
        long count = 0;
        long total = 0;
        for (String group : spec.split(",", -1)) {
            String[] nx = group.trim().toUpperCase(Locale.ROOT).split("X", -1);
            if (nx.length != 2) {
                throw new IllegalArgumentException("layout: sectors group '" + group.trim() + "' is not COUNTxSIZE");
            }
            long n = parseNumber("sectors count", nx[0], 1, MAX_SECTORS);
            long size = size("sectors size", nx[1], 1, MAX_FLASH_BYTES);
            count += n;
            total += n * size;
            if (count > MAX_SECTORS || total > MAX_FLASH_BYTES) {
                throw new IllegalArgumentException("layout: sectors describe more than " + MAX_SECTORS + " sectors or "
                        + MAX_FLASH_BYTES + " bytes");
            }
        }
        return spec;
    }

    private static double cost(String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= 0 && d <= MAX_COST_US) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("layout: bad value for costs_us: '" + v.trim() + "' (valid range 0.."
                + (long) MAX_COST_US + " microseconds)");
    }

    private static boolean bool(Properties p, String key) {
        String v = required(p, key).trim();
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        throw new IllegalArgumentException("layout: " + key + " must be true or false, got '" + v + "'");
    }

    private static long number(Properties p, String key, long lo, long hi) {
        return parseNumber(key, required(p, key), lo, hi);
    }

    private static long parseNumber(String key, String text, long lo, long hi) {
        long v;
        try {
            v = Sizes.parseUnsigned(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layout: " + key + " is not a number: '" + text.trim() + "'");
        }
        return inRange(key, v, lo, hi);
    }

    private static long size(String key, String text, long lo, long hi) {
        long v;
        try {
            v = Sizes.parse(text);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("layout: " + key + " is not a size (e.g. 16K, 0x4000): '" + text.trim()
                    + "'");
        }
        return inRange(key, v, lo, hi);
    }

    private static long inRange(String key, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException("layout: bad value for " + key + ": " + v + " (valid range " + lo + ".."
                    + hi + ")");
        }
        return v;
    }

    /** The same layout with another program unit or erased value (for campaigns over part variants). */
    public DeviceLayout with(FlashGeometry g) {
        return new DeviceLayout(name, flashBase, g, active, staging, scratch, agentLog, bootLog);
    }

    private static Region region(Properties p, String key) {
        String[] v = required(p, key).split("\\+", -1);
        if (v.length != 2) {
            throw new IllegalArgumentException("layout: " + key + " must be OFFSET + SIZE, got '" + required(p, key).trim()
                    + "'");
        }
        return new Region(size(key + " offset", v[0], 0, MAX_FLASH_BYTES), size(key + " size", v[1], 1, MAX_FLASH_BYTES));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("layout file misses '" + key + "'");
        }
        if (v.length() > 1000) {
            throw new IllegalArgumentException("layout: " + key + " is longer than 1000 characters");
        }
        return v;
    }
}
