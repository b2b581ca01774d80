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
        if (!header.matches("bytes=[0-9]{1,18}-[0-9]{0,18}")) {
            throw unsatisfiable(size, "Range must be bytes=FIRST- or bytes=FIRST-LAST");
        }
        String[] p = header.substring(6).split("-", -1);
        long first = Long.parseLong(p[0]);
        long last = p[1].isEmpty() ? size - 1 : Math.min(Long.parseLong(p[1]), size - 1);
        if (first >= size || last < first) {
            throw unsatisfiable(size, "Range first byte must be below the size " + size + " and not after the last");
        }
        return new ByteRange(first, last);
    }

    /** 416 naming the size of the file, in the one line and in {@code Content-Range: bytes *}{@code /SIZE}. */
    private static HttpError unsatisfiable(long size, String why) {
        return new HttpError(416, why, Map.of("Content-Range", "bytes */" + size));
    }

    long length() {
        return last - first + 1;
    }
}
