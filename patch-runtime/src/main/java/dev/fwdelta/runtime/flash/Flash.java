// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import java.io.IOException;

/**
 * What device code needs of the flash it runs from: its geometry, reads, sector erases, aligned
 * programs, and an erased check. A port implements it over the part's flash controller; tests use
 * the NOR model in {@code dev.fwdelta.runtime.sim}. Offsets are from the start of the flash.
 */
public interface Flash {
    /** Sectors, program unit, erased value and whether units carry ECC. */
    FlashGeometry geometry();

    /** Copies {@code len} bytes at {@code offset} into {@code dst}. */
    void read(long offset, byte[] dst, int off, int len);

    /** Erases one whole sector to the erased value. */
    void erase(int sector) throws IOException;

    /**
     * Programs whole aligned units; programming only moves bits away from the erased value, and on
     * ECC parts a unit takes one program per erase. A refused operation is a {@link FlashException}.
     */
    void program(long offset, byte[] src, int off, int len) throws IOException;

    /** True if every byte of the range holds the erased value. */
    boolean isErased(long offset, int len);
}
