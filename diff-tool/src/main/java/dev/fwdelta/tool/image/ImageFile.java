// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.util.List;

/**
 * An image file as read: its format and its regions. A raw binary (and a plain DFU file) has one
 * region and no address of its own ({@code addressed} false; its region is at 0 until {@code
 * --address} says where).
 *
 * @param name       the file, for messages
 * @param elfMachine e_machine of an ELF file, {@link FirmwareImage#NO_MACHINE} otherwise
 * @param addressed  whether the file says where its bytes go (HEX, S-record, ELF, DfuSe)
 */
public record ImageFile(String name, ImageFormat format, List<ImageRegion> regions, int elfMachine,
                        boolean addressed) {
    public ImageFile {
        regions = List.copyOf(regions);
    }

    /** A file of a format that always gives addresses, or never (raw). */
    public ImageFile(String name, ImageFormat format, List<ImageRegion> regions, int elfMachine) {
        this(name, format, regions, elfMachine, format != ImageFormat.BIN);
    }
}
