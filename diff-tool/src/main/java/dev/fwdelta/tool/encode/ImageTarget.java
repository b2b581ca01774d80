// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.PatchHeader;

/**
 * What the input files say about the images beyond their bytes: where the new image is programmed
 * (recorded in the patch as load_address), where the old one is linked (the base absolute pointers
 * are re-aimed from, instead of a guess), and the ELF machine (which architecture's views are
 * worth screening). Raw binaries say nothing: {@link #UNKNOWN}.
 *
 * @param loadAddress new image's address, or {@link PatchHeader#NO_LOAD_ADDRESS}
 * @param oldAddress  old image's address, or {@link PatchHeader#NO_LOAD_ADDRESS} (then guessed)
 * @param elfMachine  e_machine of an ELF input, or {@link #NO_MACHINE}
 */
public record ImageTarget(long loadAddress, long oldAddress, int elfMachine) {
    public static final int NO_MACHINE = -1;
    public static final ImageTarget UNKNOWN = new ImageTarget(PatchHeader.NO_LOAD_ADDRESS,
            PatchHeader.NO_LOAD_ADDRESS, NO_MACHINE);

    public ImageTarget {
        checkAddress("load address", loadAddress);
        checkAddress("old image address", oldAddress);
    }

    private static void checkAddress(String what, long address) {
        if (address < PatchHeader.NO_LOAD_ADDRESS || address > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " must fit 32 bits, got " + address);
        }
    }
}
