// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import java.io.IOException;

/** What a delta flash needs of a chip's bootloader, whichever protocol reaches it (AN3155, DfuSe). */
public interface FlashTarget {
    Stm32Part part();

    byte[] read(long address, int length) throws IOException;

    /** Erases the sectors (indices in the part's map). */
    void erase(int[] sectors) throws IOException;

    /** Writes at a 4-byte aligned address (the target pads the tail with 0xFF as needed). */
    void write(long address, byte[] data) throws IOException;

    void go(long address) throws IOException;

    /** Bytes moved on the wire so far, both directions. */
    long wireBytes();
}
