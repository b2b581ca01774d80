// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DfuSe memory map, as ST's ROM DFU puts it in the interface string:
 * {@code @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg}: name, base address, then
 * groups of COUNT*SIZE with a unit (B, K, M) and an access letter (a..g).
 */
public record MemoryMap(String name, long base, String sectors) {
    private static final Pattern GROUP = Pattern.compile("(\\d+)\\*(\\d+)([ BKM])([a-g])");

    public static MemoryMap parse(String s) {
        if (!s.startsWith("@")) {
            throw new IllegalArgumentException("not a DfuSe memory map (no '@'): " + s);
        }
        String[] parts = s.substring(1).split("/");
        if (parts.length < 3) {
            throw new IllegalArgumentException("DfuSe memory map needs @name/base/sectors: " + s);
        }
        List<String> groups = new ArrayList<>();
        Matcher m = GROUP.matcher(parts[2]);
        while (m.find()) {
            String unit = m.group(3).equals(" ") || m.group(3).equals("B") ? "" : m.group(3);
            groups.add(Integer.parseInt(m.group(1)) + "x" + Integer.parseInt(m.group(2)) + unit);
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("DfuSe memory map has no sector groups: " + s);
        }
        return new MemoryMap(parts[0].strip(), Long.decode(parts[1].strip()), String.join(", ", groups));
    }

    /** The part as the delta flasher needs it (DfuSe reports no product id). */
    public Stm32Part asPart() {
        return new Stm32Part("dfuse:" + name, 0, base, sectors, true, 4, 0);
    }
}
