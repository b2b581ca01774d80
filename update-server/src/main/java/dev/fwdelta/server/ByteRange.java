// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.util.Map;

/**
 * The one form of HTTP Range a device needs to continue a download: {@code bytes=FIRST-} or
 * {@code bytes=FIRST-LAST} (RFC 9110 14.1.2). Anything else is refused, never guessed at: 416 with
 * {@code Content-Range: bytes *}{@code /SIZE}, so that the client learns the size (RFC 9110 15.5.17).
 */
record ByteRange(long first, long last) {
    /** The range of {@code header} within {@code size} bytes, or null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        if (!header.matches("bytes=[0-9]+-[0-9]*")) {
            throw unsatisfiable(size, "Range must be bytes=FIRST- or bytes=FIRST-LAST");
        }
        String[] p = header.substring(6).split("-", -1);
        long first = number(p[0]);
        long last = p[1].isEmpty() ? size - 1 : Math.min(number(p[1]), size - 1);
        if (first >= size || last < first) {
            throw unsatisfiable(size, "Range first byte must be below the size " + size + " and not after the last");
        }
        return new ByteRange(first, last);
    }

    /**
     * A Range number as written; one too large for a long is past the end of any file, so it is
     * read as the largest long (a LAST is then clipped to the size, a FIRST refused naming it).
     */
    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** 416 naming the size of the file, in the one line and in {@code Content-Range: bytes *}{@code /SIZE}. */
    private static HttpError unsatisfiable(long size, String why) {
        return new HttpError(416, why, Map.of("Content-Range", "bytes */" + size));
    }

    long length() {
        return last - first + 1;
    }
}
