// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

/**
 * The image a patch rebuilds: flat bytes and the address its first byte is programmed at.
 *
 * @param address    {@link #NO_ADDRESS} for a raw binary given without {@code --address}
 * @param elfMachine e_machine of an ELF input, {@link #NO_MACHINE} for other formats
 */
public record FirmwareImage(byte[] bytes, long address, ImageFormat format, int elfMachine) {
    public static final long NO_ADDRESS = -1;
    public static final int NO_MACHINE = -1;

    public boolean hasAddress() {
        return address != NO_ADDRESS;
    }
}
