// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.server.http.HttpUrls;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The server's answer to a check-in (docs/OTA.md): {@code none}, or
 * {@code update VERSION SIZE SHA256 URL}. Every field is checked before the device acts on it; a
 * field that does not hold is the server's fault, an IOException that says so.
 */
public record CheckinAnswer(long version, long size, String sha256, String url) {
    /** Longest answer line the device reads: a 64-digit hash, two numbers and a URL of at most 1 KiB. */
    public static final int MAX_LINE = 1200;
    private static final String WHAT = "the server's check-in answer";
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
            throw new IOException(WHAT + " is neither 'none' nor 'update VERSION SIZE SHA256 URL'");
        }
        long size = Long.parseLong(m.group(2));
        if (size < 1 || size > maxSize) {
            throw new IOException(WHAT + ": size " + size + " is outside 1.." + maxSize);
        }
        String url = m.group(4);
        String why = HttpUrls.problem(url, true);
        if (why != null) {
            throw new IOException(WHAT + ": URL '" + url + "' is neither a path on the server (/...) nor an"
                    + " absolute http or https URL: " + why);
        }
        return new CheckinAnswer(Long.parseLong(m.group(1)), size, m.group(3), url);
    }
}
