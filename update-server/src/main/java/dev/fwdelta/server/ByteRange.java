// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

/**
 * The one form of HTTP Range a device needs to continue a download: {@code bytes=FIRST-} or
 * {@code bytes=FIRST-LAST} (RFC 9110 14.1.2). Anything else is refused, never guessed at.
 */
record ByteRange(long first, long last) {
    /** The range of {@code header} within {@code size} bytes, or null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        if (!header.matches("bytes=[0-9]{1,18}-[0-9]{0,18}")) {
            throw new HttpError(416, "Range must be bytes=FIRST- or bytes=FIRST-LAST");
        }
        String[] p = header.substring(6).split("-", -1);
        long first = Long.parseLong(p[0]);
        long last = p[1].isEmpty() ? size - 1 : Math.min(Long.parseLong(p[1]), size - 1);
        if (first >= size || last < first) {
            throw new HttpError(416, "Range first byte must be below the size " + size + " and not after the last");
        }
        return new ByteRange(first, last);
    }

    long length() {
        return last - first + 1;
    }
}
