// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

/** Sizes and offsets written as 16384, 16K, 16KiB, 1M or 0x4000 (K = 1024, M = 1024 K). */
public final class Sizes {
    private Sizes() {}

    /** Parses a size; {@link NumberFormatException} (an IllegalArgumentException) if it is not one. */
    public static long parse(String s) {
        String v = s.trim().toUpperCase().replace("IB", "");
        if (v.endsWith("B") && !v.startsWith("0X")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (v.endsWith("K")) {
            unit = 1024;
        } else if (v.endsWith("M")) {
            unit = 1024 * 1024;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1);
        }
        long n = Long.decode(v.trim());
        if (n < 0) {
            throw new NumberFormatException("'" + s + "' is negative");
        }
        return Math.multiplyExact(n, unit);
    }
}
