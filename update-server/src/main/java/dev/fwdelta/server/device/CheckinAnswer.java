// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.server.http.HttpUrls;
import dev.fwdelta.tool.transport.DeviceText;
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
    /** Longest URL taken: longer ones are no artifact address a device would keep. */
    public static final int MAX_URL = 1024;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String GRAMMAR = "'update VERSION SIZE SHA256 URL'";

    /**
     * The offered update, or null for {@code none}. Each field of an {@code update} is checked on its
     * own, so that the error names the first that does not hold, what the server sent (made printable)
     * and what is allowed. {@code VERSION} is a firmware_version: 0..2^63-1, as the patch header holds it.
     */
    public static CheckinAnswer parse(String body, long maxSize) throws IOException {
        String line = body.strip();
        if (line.equals("none")) {
            return null;
        }
        if (line.length() > MAX_LINE || !line.startsWith("update ")) {
            throw new IOException(WHAT + " is neither 'none' nor " + GRAMMAR);
        }
        String[] field = line.split(" ", -1);
        String[] names = {"update", "VERSION", "SIZE", "SHA256", "URL"};
        if (field.length < names.length) {
            throw new IOException(WHAT + ": " + names[field.length] + " is missing (" + GRAMMAR + ")");
        }
        if (field.length > names.length) {
            throw new IOException(WHAT + ": text after the URL (" + GRAMMAR + ", single spaces)");
        }
        long version = DecimalField.parse(WHAT, "version", field[1], 0, Long.MAX_VALUE);
        long size = DecimalField.parse(WHAT, "size", field[2], 1, maxSize);
        String sha256 = field[3];
        if (!SHA256.matcher(sha256).matches()) {
            throw new IOException(WHAT + ": SHA256 '" + DeviceText.printable(sha256)
                    + "' is not 64 lowercase hex digits");
        }
        String url = field[4];
        if (url.isEmpty() || url.length() > MAX_URL) {
            throw new IOException(WHAT + ": URL of " + url.length() + " characters is outside 1.." + MAX_URL);
        }
        String why = HttpUrls.problem(url, true);
        if (why != null) {
            throw new IOException(WHAT + ": URL '" + DeviceText.printable(url) + "' is neither a path on the server"
                    + " (/...) nor an absolute http or https URL: " + DeviceText.printable(why));
        }
        return new CheckinAnswer(version, size, sha256, url);
    }
}
