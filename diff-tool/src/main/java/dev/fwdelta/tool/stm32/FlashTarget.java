// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import java.io.IOException;

/** What a delta flash needs of a chip's bootloader, whichever protocol reaches it (AN3155, DfuSe). */
public interface FlashTarget {
    Stm32Part part();

    byte[] read(long address, int length) throws IOException;

    /** Erases the sectors (indices in the part's map). */
    void erase(int[] sectors) throws IOException;

    /**
     * Throws what {@link #erase} would refuse for these sectors with the commands the bootloader
     * offers, sending nothing: lets a flash refuse before its first erase a run it could not
     * finish, rather than stop in the middle.
     */
    void checkErase(int[] sectors) throws IOException;

    /**
     * Writes at an address aligned to the part's program unit; the target pads the tail with 0xFF
     * to that unit within the sector of the last byte ({@link ProgramUnitTail}): over AN3155 the
     * host does; over DfuSe the device must, as its memory map does not tell the host the unit
     * (the simulated ROM does; docs/STM32-FLASH.md).
     */
    void write(long address, byte[] data) throws IOException;

    void go(long address) throws IOException;

    /** Bytes moved on the wire so far, both directions. */
    long wireBytes();
}
