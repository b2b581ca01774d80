// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import picocli.CommandLine;

/**
 * {@code --baud N} of the commands that open a serial port (send, device serve, stm32 flash, stm32
 * simulate): a whole number of bits per second from {@link #MIN} to {@link #MAX}, checked before the
 * port is opened. jSerialComm passes any positive rate on to the driver, which refuses 0 and negative
 * ones only when the port is opened (as if the port were busy); the range is what fwdelta documents
 * (docs/CLI.md): from the slowest rate an STM32 ROM bootloader detects (AN2606: 1200) to above the
 * fastest common USB-serial bridges (3 Mbit/s).
 */
final class BaudRate implements CommandLine.ITypeConverter<Integer> {
    static final int MIN = 1200;
    static final int MAX = 4_000_000;

    @Override
    public Integer convert(String value) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number of bits per second "
                    + "(valid range " + MIN + ".." + MAX + ")");
        }
        if (n < MIN || n > MAX) {
            throw new CommandLine.TypeConversionException("'" + value + "' is out of range (valid range " + MIN + ".."
                    + MAX + " bits per second)");
        }
        return (int) n;
    }
}
