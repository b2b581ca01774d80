// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.flash.Sizes;
import picocli.CommandLine;

/** Parses sizes such as 16384, 16K, 16KiB, 1M (K and KiB are both 1024). */
public final class ByteSize implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 16384, 16K, 1M)");
        }
    }
}
