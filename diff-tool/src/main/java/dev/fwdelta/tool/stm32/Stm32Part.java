// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.flash.SectorMap;
import java.io.IOException;
import java.util.List;

/**
 * An STM32 family member as its ROM bootloader presents it: product id (Get ID), flash base and
 * sector/page map, the erase command it implements (0x43 Erase or 0x44 Extended Erase), and the
 * unit its flash programs in.
 */
public record Stm32Part(String name, int productId, long flashBase, String sectors, boolean extendedErase,
                        int programUnit, int bootloaderVersion) {

    /** The table: at least one part of each family fwdelta supports. Ids as in ST's AN2606. */
    public static final List<Stm32Part> TABLE = List.of(
            new Stm32Part("f030", 0x440, 0x0800_0000L, "64x1K", false, 2, 0x31),
            new Stm32Part("f103", 0x410, 0x0800_0000L, "128x1K", false, 2, 0x22),
            new Stm32Part("f405", 0x413, 0x0800_0000L, "4x16K, 1x64K, 7x128K", true, 4, 0x31),
            new Stm32Part("f411", 0x431, 0x0800_0000L, "4x16K, 1x64K, 3x128K", true, 4, 0xD0),
            new Stm32Part("l476", 0x415, 0x0800_0000L, "512x2K", true, 8, 0x92),
            new Stm32Part("g071", 0x460, 0x0800_0000L, "64x2K", true, 8, 0xB4));

    public SectorMap map() {
        return SectorMap.parse(sectors);
    }

    public long flashSize() {
        return map().totalSize();
    }

    public static Stm32Part byName(String name) {
        return TABLE.stream().filter(p -> p.name.equalsIgnoreCase(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown part '" + name + "' (known: "
                        + TABLE.stream().map(Stm32Part::name).toList() + ")"));
    }

    public static Stm32Part byProductId(int pid) throws IOException {
        return TABLE.stream().filter(p -> p.productId == pid).findFirst().orElseThrow(() ->
                new IOException(String.format("unknown STM32 product id 0x%03x: not in fwdelta's device table "
                        + "(%s)", pid, TABLE.stream().map(p -> String.format("%s=0x%03x", p.name, p.productId)).toList())));
    }
}
