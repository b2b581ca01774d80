// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.util.regex.Pattern;

/**
 * Every value a request carries is checked here against a named pattern or range before it is used:
 * the error names the field and what is allowed. Nothing from a request becomes a file name unless
 * it passed {@link #sha256}.
 */
final class Fields {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,20}");

    private Fields() {}

    static String sha256(String field, String v) {
        if (v == null || !SHA256.matcher(v).matches()) {
            throw HttpError.badRequest(field + " must be 64 lowercase hex digits (SHA-256)");
        }
        return v;
    }

    /** Whether {@code v} is a name (a device id, a group): 1 to 64 of A-Z a-z 0-9 . _ -. */
    static boolean isName(String v) {
        return v != null && NAME.matcher(v).matches();
    }

    static String name(String field, String v) {
        if (!isName(v)) {
            throw HttpError.badRequest(field + " must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        return v;
    }

    static long number(String field, String v, long min, long max) {
        if (v == null || !NUMBER.matcher(v).matches()) {
            throw HttpError.badRequest(field + " must be a decimal number from " + min + " to " + max);
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < min || n > max) {
            throw HttpError.badRequest(field + " must be from " + min + " to " + max + ", got " + v);
        }
        return n;
    }

    /** A 32-bit hardware id (the patch header's field). */
    static long hardware(String v) {
        return number("hw", v, 0, 0xFFFF_FFFFL);
    }

    static long version(String v) {
        return number("ver", v, 0, Long.MAX_VALUE);
    }
}
