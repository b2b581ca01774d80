// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

/**
 * Time model: an erase costs a fixed part plus a part per KiB of sector; a program a fixed part
 * per call plus a part per unit. Microseconds; datasheet-typical values in the presets.
 */
public record FlashCosts(double eraseBaseUs, double erasePerKibUs, double programCallUs, double programUnitUs) {
    public double erase(long sectorBytes) {
        return eraseBaseUs + erasePerKibUs * sectorBytes / 1024.0;
    }

    public double program(int units) {
        return programCallUs + programUnitUs * units;
    }
}
