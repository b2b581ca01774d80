// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

/**
 * The rules of one NOR flash part.
 *
 * @param sectors      erase granularity
 * @param programUnit  bytes programmed at once, 1, 2, 4, 8, 16 or 32; programs must be aligned to it
 * @param erasedValue  0xFF on most parts, 0x00 on STM32L0/L1
 * @param eccUnits     true on parts with ECC per unit (STM32L4/G0/H7): a unit can be programmed once
 *                     between erases, even with the same value
 * @param costs        time model of erase and program operations
 */
public record FlashGeometry(SectorMap sectors, int programUnit, byte erasedValue, boolean eccUnits, FlashCosts costs) {
    public FlashGeometry {
        if (Integer.bitCount(programUnit) != 1 || programUnit > 32) {
            throw new IllegalArgumentException("program unit must be 1, 2, 4, 8, 16 or 32 bytes, got " + programUnit);
        }
        if (erasedValue != (byte) 0xFF && erasedValue != 0) {
            throw new IllegalArgumentException("erased value must be 0xFF or 0x00");
        }
        for (int i = 0; i < sectors.count(); i++) {
            if (sectors.size(i) % programUnit != 0) {
                throw new IllegalArgumentException("sector " + i + " is not a whole number of program units");
            }
        }
    }

    public FlashGeometry withProgramUnit(int unit) {
        return new FlashGeometry(sectors, unit, erasedValue, eccUnits, costs);
    }

    public FlashGeometry withErasedValue(byte value) {
        return new FlashGeometry(sectors, programUnit, value, eccUnits, costs);
    }
}
