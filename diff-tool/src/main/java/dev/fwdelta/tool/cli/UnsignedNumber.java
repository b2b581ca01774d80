// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.flash.Sizes;
import picocli.CommandLine;

/**
 * Parses decimal (010 is ten, not octal eight) or 0x-prefixed hexadecimal non-negative numbers up
 * to a field's width ({@link Sizes#parseUnsigned}): a value that does not fit is refused with the
 * range, never truncated. The subclasses are the widths
 * options use (picocli makes converters by their no-argument constructor).
 */
public class UnsignedNumber implements CommandLine.ITypeConverter<Long> {
    private final long max;
    private final String field;

    public UnsignedNumber() {
        this(Long.MAX_VALUE, "63-bit");
    }

    UnsignedNumber(long max, String field) {
        this.max = max;
        this.field = field;
    }

    /** A 32-bit field: addresses, hardware ids. */
    public static final class U32 extends UnsignedNumber {
        public U32() {
            super(0xFFFF_FFFFL, "32-bit");
        }
    }

    /** A 16-bit field: USB vendor and product ids. */
    static final class U16 extends UnsignedNumber {
        U16() {
            super(0xFFFF, "16-bit");
        }
    }

    @Override
    public Long convert(String value) {
        long n;
        try {
            n = Sizes.parseUnsigned(value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number (decimal or 0x hex, 0 to "
                    + max + ")");
        }
        if (n < 0 || n > max) {
            throw new CommandLine.TypeConversionException("'" + value + "' is out of range for a " + field
                    + " value (valid range 0..0x" + Long.toHexString(max) + ")");
        }
        return n;
    }
}
