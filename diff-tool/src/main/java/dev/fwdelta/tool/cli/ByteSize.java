package dev.fwdelta.tool.cli;

import picocli.CommandLine;

/** Parses sizes such as 16384, 16K, 16KiB, 1M (K and KiB are both 1024). */
final class ByteSize implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toUpperCase().replace("IB", "").replace("B", "");
        long unit = 1;
        if (v.endsWith("K")) {
            unit = 1024;
        } else if (v.endsWith("M")) {
            unit = 1024 * 1024;
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 16384, 16K, 1M)");
        }
    }
}
