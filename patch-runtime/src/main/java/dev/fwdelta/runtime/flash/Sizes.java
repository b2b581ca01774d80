// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.util.Locale;

/** Sizes and offsets written as 16384, 16K, 16KiB, 1M or 0x4000 (K = 1024, M = 1024 K). */
public final class Sizes {
    private Sizes() {}

    /** Parses a size; {@link NumberFormatException} (an IllegalArgumentException) if it is not one. */
    public static long parse(String s) {
        String v = s.trim().toUpperCase(Locale.ROOT).replace("IB", "");
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
        return Math.multiplyExact(parseUnsigned(v), unit);
    }

    /**
     * A non-negative number written in decimal (leading zeros allowed: 010 is ten) or as 0x hex,
     * nothing else: Long.decode read 010 as octal eight (a zero-padded firmware version signed
     * wrongly) and took signs and '#'. {@link NumberFormatException} if it is not one or does not fit
     * in 63 bits.
     */
    public static long parseUnsigned(String s) {
        String v = s.trim();
        boolean hex = v.startsWith("0x") || v.startsWith("0X");
        String digits = hex ? v.substring(2) : v;
        boolean digitsOnly = digits.chars().allMatch(c -> c < 128 && Character.digit(c, hex ? 16 : 10) >= 0);
        if (digits.isEmpty() || !digitsOnly) {
            throw new NumberFormatException("'" + s + "' is not a decimal or 0x hex number");
        }
        return Long.parseLong(digits, hex ? 16 : 10); // NumberFormatException past 2^63 - 1
    }
}
