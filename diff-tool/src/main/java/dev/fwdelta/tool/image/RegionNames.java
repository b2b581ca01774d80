// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/**
 * Names of well-known memory areas outside a part's main flash, so that an error about a region
 * says what it is (UICR records in Nordic's HEX files, STM32 option bytes).
 */
final class RegionNames {
    private record Area(long start, long end, String name) {
    }

    private static final Area[] AREAS = {
        new Area(0x1000_0000L, 0x1000_1000L, "nRF FICR"),
        new Area(0x1000_1000L, 0x1000_2000L, "nRF UICR"),
        new Area(0x1FFF_C000L, 0x1FFF_C010L, "STM32F2/F4 option bytes"),
        new Area(0x1FFE_C000L, 0x1FFE_C010L, "STM32F42x bank 2 option bytes"),
        new Area(0x1FFF_7800L, 0x1FFF_7A10L, "STM32 OTP / L4 option bytes"),
        new Area(0x1FFF_F800L, 0x1FFF_F810L, "STM32F0/F1/F3 option bytes"),
        new Area(0x1FF8_0000L, 0x1FF8_0020L, "STM32L0/L1 option bytes"),
        new Area(0x0808_0000L, 0x0808_1800L, "STM32L0/L1 data EEPROM"),
    };

    private RegionNames() {}

    /** The name of the area {@code address} is in, or null. */
    static String of(long address) {
        for (Area a : AREAS) {
            if (address >= a.start && address < a.end) {
                return a.name;
            }
        }
        return null;
    }
}
