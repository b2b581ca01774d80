// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.tool.transport.DeviceText;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A decimal number read from text the device did not write (the server's check-in answer, a state
 * file on disk). Any string of digits is read, however long, so that a number too large for a
 * {@code long} is reported as out of range, an IOException naming the source and the field, rather
 * than escaping as a NumberFormatException that the command would take for a usage error.
 */
final class DecimalField {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private DecimalField() {}

    /** {@code text} as a number in {@code min..max}; otherwise an IOException naming source, field and range. */
    static long parse(String source, String field, String text, long min, long max) throws IOException {
        if (!DIGITS.matcher(text).matches()) {
            throw new IOException(source + ": " + field + " '" + DeviceText.printable(text)
                    + "' is not a decimal number in " + min + ".." + max);
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException beyondLong) {
            value = -1;
        }
        if (value < min || value > max) {
            throw new IOException(source + ": " + field + " " + DeviceText.printable(text)
                    + " is outside " + min + ".." + max);
        }
        return value;
    }
}
