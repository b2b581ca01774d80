// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

/**
 * Text a device sent, made safe to print: a device (or whoever wrote its firmware) must not be
 * able to start a new line that looks like fwdelta's own, move the cursor or reprogram the
 * terminal, nor reorder the line so that it reads as something else. Control characters (C0,
 * DEL, C1) become {@code \xNN}, direction controls (marks, embeddings, overrides, isolates) a
 * backslash, {@code u} and four hex digits, and only the first {@link #MAX_CHARS} characters are kept, with a marker saying
 * how many were cut. The web page's device-text.js does the same.
 */
public final class DeviceText {
    /** The most characters of a device's text that are shown: enough for any honest message. */
    public static final int MAX_CHARS = 400;

    private DeviceText() {}

    /** {@code text} with its control characters escaped and its length capped. */
    public static String printable(String text) {
        int keep = Math.min(text.length(), MAX_CHARS);
        StringBuilder b = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F && c <= 0x9F) {
                b.append(String.format("\\x%02X", (int) c));
            } else if (isDirectionControl(c)) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        if (text.length() > keep) {
            b.append(" [").append(text.length() - keep).append(" more characters cut]");
        }
        return b.toString();
    }

    /** A mark (U+061C ARABIC LETTER MARK too), embedding, override or isolate: it reorders the text that follows it. */
    private static boolean isDirectionControl(char c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }
}
