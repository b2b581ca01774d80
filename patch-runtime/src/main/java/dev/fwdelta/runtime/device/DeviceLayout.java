package dev.fwdelta.runtime.device;

import dev.fwdelta.runtime.flash.FlashCosts;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.flash.SectorMap;
import dev.fwdelta.runtime.flash.Sizes;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

    public static final List<String> PRESETS = List.of("stm32f405-1m", "stm32l4-512k", "nrf52840", "stm32l0-192k");

    public DeviceLayout {
        SectorMap map = geometry.sectors();
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
        if (Files.isRegularFile(p)) {
            try (Reader r = Files.newBufferedReader(p)) {
                return parse(r);
            }
        }
        return preset(nameOrPath);
    }

    public static DeviceLayout parse(Reader source) throws IOException {
        Properties p = new Properties();
        p.load(source);
        String name = required(p, "name");
        SectorMap map = SectorMap.parse(required(p, "sectors"));
        String[] costs = required(p, "costs_us").split(",");
        FlashGeometry g = new FlashGeometry(map, Integer.parseInt(required(p, "program_unit").trim()),
                (byte) Integer.decode(required(p, "erased_value").trim()).intValue(),
                Boolean.parseBoolean(required(p, "ecc").trim()),
                new FlashCosts(Double.parseDouble(costs[0]), Double.parseDouble(costs[1]),
                        Double.parseDouble(costs[2]), Double.parseDouble(costs[3])));
        return new DeviceLayout(name, Long.decode(required(p, "flash_base").trim()), g, region(p, "active"),
                region(p, "staging"), region(p, "scratch"), region(p, "agent_log"), region(p, "boot_log"));
    }

    /** The same layout with another program unit or erased value (for campaigns over part variants). */
    public DeviceLayout with(FlashGeometry g) {
        return new DeviceLayout(name, flashBase, g, active, staging, scratch, agentLog, bootLog);
    }

    private static Region region(Properties p, String key) {
        String[] v = required(p, key).split("\\+");
        return new Region(Sizes.parse(v[0]), Sizes.parse(v[1]));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("layout file misses '" + key + "'");
        }
        return v;
    }
}
