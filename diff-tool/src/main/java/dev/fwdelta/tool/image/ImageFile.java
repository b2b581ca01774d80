// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.List;

/**
 * An image file as read: its format and its regions. A raw binary has one region and no address
 * of its own ({@link #addressed()} false; its region is at 0 until {@code --address} says where).
 *
 * @param name       the file, for messages
 * @param elfMachine e_machine of an ELF file, {@link FirmwareImage#NO_MACHINE} otherwise
 */
public record ImageFile(String name, ImageFormat format, List<ImageRegion> regions, int elfMachine) {
    public ImageFile {
        regions = List.copyOf(regions);
    }

    /** Whether the file says where its bytes go (HEX, S-record, ELF). */
    public boolean addressed() {
        return format != ImageFormat.BIN;
    }
}
