// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import java.io.IOException;

/**
 * The bytes of one AN3155 page erase, chosen from what the part needs and what its bootloader's Get
 * list offers, and refused before anything is sent when they cannot say the pages asked for: Erase
 * 0x43 has a one-byte count and one-byte page numbers, so a cast would erase another page.
 */
record EraseCommand(int opcode, byte[] payload) {
    /** Erase 0x43 sends pages - 1 in one byte. */
    static final int MAX_LEGACY_PAGES = 256;
    /** Erase 0x43 sends each page number in one byte. */
    static final int MAX_LEGACY_PAGE = 255;
    /** Extended Erase 0x44 sends pages - 1 in two bytes; 0xFFF0 and up are special erases. */
    static final int MAX_EXTENDED_PAGES = 0xFFF0;

    static EraseCommand of(Stm32Part part, boolean offersExtendedErase, int[] pages) throws IOException {
        if (pages.length == 0) {
            // No pages would be sent as pages - 1 = 0xFFFF or 0xFF: Extended Erase's and Erase's
            // mass erase. Only the callers kept this from happening.
            throw new IOException("page count 0 outside the 1.." + (offersExtendedErase ? MAX_EXTENDED_PAGES
                    : MAX_LEGACY_PAGES) + " of a page erase (no pages would be a mass erase); nothing erased");
        }
        refuseOutsidePart(part, pages);
        if (offersExtendedErase) {
            return extended(pages);
        }
        if (pages.length > MAX_LEGACY_PAGES) {
            throw refused(part, String.format("page count %d outside the 1..%d", pages.length, MAX_LEGACY_PAGES));
        }
        for (int page : pages) {
            if (page > MAX_LEGACY_PAGE) {
                throw refused(part, String.format("page number %d outside the 0..%d", page, MAX_LEGACY_PAGE));
            }
        }
        if (part.extendedErase()) {
            throw new IOException(String.format("page %d: the %s needs Extended Erase 0x44 for its pages 0..%d, which"
                    + " its bootloader's Get list lacks; refused to fall back to Erase 0x43, nothing erased",
                    pages[0], part.name(), part.map().count() - 1));
        }
        return legacy(pages);
    }

    /**
     * Refuses a page the part does not have. Shared with DfuSe, whose erase names a sector by its
     * address and so carries any page of the part: there this is the whole rule.
     */
    static void refuseOutsidePart(Stm32Part part, int[] pages) throws IOException {
        int last = part.map().count() - 1;
        for (int page : pages) {
            if (page < 0 || page > last) {
                throw new IOException(String.format("page number %d outside the 0..%d of the %s; nothing erased",
                        page, last, part.name()));
            }
        }
    }

    private static IOException refused(Stm32Part part, String what) {
        return new IOException(String.format("%s that Erase 0x43 carries (the %s's bootloader does not offer Extended"
                + " Erase 0x44); nothing erased", what, part.name()));
    }

    private static EraseCommand extended(int[] pages) throws IOException {
        if (pages.length > MAX_EXTENDED_PAGES) {
            throw new IOException(String.format("page count %d outside the 1..%d that Extended Erase 0x44 carries;"
                    + " nothing erased", pages.length, MAX_EXTENDED_PAGES));
        }
        byte[] b = new byte[2 + 2 * pages.length + 1];
        b[0] = (byte) ((pages.length - 1) >>> 8);
        b[1] = (byte) (pages.length - 1);
        for (int i = 0; i < pages.length; i++) {
            b[2 + 2 * i] = (byte) (pages[i] >>> 8);
            b[3 + 2 * i] = (byte) pages[i];
        }
        b[b.length - 1] = (byte) An3155.xor(b, 0, b.length - 1);
        return new EraseCommand(An3155.EXTENDED_ERASE, b);
    }

    private static EraseCommand legacy(int[] pages) {
        byte[] b = new byte[1 + pages.length + 1];
        b[0] = (byte) (pages.length - 1);
        for (int i = 0; i < pages.length; i++) {
            b[1 + i] = (byte) pages[i];
        }
        b[b.length - 1] = (byte) An3155.xor(b, 0, b.length - 1);
        return new EraseCommand(An3155.ERASE, b);
    }
}
