// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The server's answer to a check-in (docs/OTA.md): {@code none}, or
 * {@code update VERSION SIZE SHA256 URL}. Every field is checked before the device acts on it.
 */
public record CheckinAnswer(long version, long size, String sha256, String url) {
    /** Longest answer line the device reads: a 64-digit hash, two numbers and a URL of at most 1 KiB. */
    public static final int MAX_LINE = 1200;
    private static final Pattern UPDATE = Pattern.compile(
            "update ([0-9]{1,19}) ([0-9]{1,12}) ([0-9a-f]{64}) (\\S{1,1024})");

    /** The offered update, or null for {@code none}. */
    public static CheckinAnswer parse(String body, long maxSize) throws IOException {
        String line = body.strip();
        if (line.equals("none")) {
            return null;
        }
        var m = UPDATE.matcher(line);
        if (line.length() > MAX_LINE || !m.matches()) {
            throw new IOException("check-in answer is neither 'none' nor 'update VERSION SIZE SHA256 URL'");
        }
        long size = Long.parseLong(m.group(2));
        if (size < 1 || size > maxSize) {
            throw new IOException("check-in answer: size " + size + " is outside 1.." + maxSize);
        }
        return new CheckinAnswer(Long.parseLong(m.group(1)), size, m.group(3), m.group(4));
    }
}
