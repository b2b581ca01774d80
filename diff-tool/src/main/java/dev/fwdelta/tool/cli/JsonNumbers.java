// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.math.BigInteger;

/** JSON numbers for header fields that are unsigned 64-bit (a Java long would print them negative). */
final class JsonNumbers {
    private JsonNumbers() {}

    /** The unsigned value of {@code v} as a number Gson writes exactly. */
    static Number unsigned(long v) {
        return v >= 0 ? v : new BigInteger(Long.toUnsignedString(v));
    }
}
