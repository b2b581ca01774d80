package dev.fwdelta.tool.cli;

import picocli.CommandLine;

/** Parses decimal or 0x-prefixed hexadecimal non-negative numbers. */
final class UnsignedNumber implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            long n = Long.decode(value.trim());
            if (n < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number (decimal or 0x hex)");
        }
    }
}
