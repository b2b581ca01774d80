// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.util.Locale;

/** Sizes and offsets written as 16384, 16K, 16KiB, 1M or 0x4000 (K = 1024, M = 1024 K). */
public final class Sizes {
    /** The units a size may end in, the longer suffixes first: 16KiB is 16 KiB, not "16Ki" and B. */
    private static final Unit[] UNITS = {
        new Unit("KIB", 1024), new Unit("MIB", 1024 * 1024), new Unit("KB", 1024), new Unit("MB", 1024 * 1024),
        new Unit("K", 1024), new Unit("M", 1024 * 1024), new Unit("B", 1),
    };

    private Sizes() {}

    /** A unit's suffix (upper case) and how many bytes one of it is. */
    private record Unit(String suffix, long bytes) {
    }

    /**
     * Parses a size: a number (see {@link #parseUnsigned}), then at most one unit, in either case:
     * K, KiB or KB (1024), M, MiB or MB (1024 K), or B (bytes, decimal only: B is a hex digit).
     * {@link NumberFormatException} (an IllegalArgumentException) if it is not one: anything else
     * after the digits, a unit twice included ("16KiBKiB" was 16 K once "iB" was struck out
     * wherever it stood, "1IB6ib384" 16384).
     */
    public static long parse(String s) {
        String v = s.trim();
        String upper = v.toUpperCase(Locale.ROOT);
        for (Unit u : UNITS) {
            boolean hexDigit = u.suffix.equals("B") && upper.startsWith("0X");
            if (upper.endsWith(u.suffix) && !hexDigit) {
                return Math.multiplyExact(parseUnsigned(v.substring(0, v.length() - u.suffix.length()), s), u.bytes);
            }
        }
        return parseUnsigned(v, s);
    }

    private static long parseUnsigned(String digits, String given) {
        try {
            return parseUnsigned(digits);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("'" + given + "' is not a size: a decimal or 0x hex number, then at most one "
                    + "of K, KiB, KB, M, MiB, MB, B");
        }
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
