// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import picocli.CommandLine;

/**
 * {@code --usb VID:PID} of send and stm32 flash, one parser for both: each 1 to 4 hex digits (0 to
 * ffff), nothing before, between or after them. Checked when the command line is parsed, before a
 * file is read or libusb is touched.
 */
record UsbId(int vid, int pid) {
    static UsbId parse(String text) {
        if (!text.matches("[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}")) {
            throw new IllegalArgumentException("'" + text + "' is not VID:PID in hex, each 0 to ffff (e.g. 0483:df11)");
        }
        String[] id = text.split(":");
        return new UsbId(Integer.parseInt(id[0], 16), Integer.parseInt(id[1], 16));
    }

    @Override
    public String toString() {
        return String.format("%04x:%04x", vid, pid);
    }

    /** picocli's converter: a malformed VID:PID is a usage error naming --usb. */
    static final class Converter implements CommandLine.ITypeConverter<UsbId> {
        @Override
        public UsbId convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
