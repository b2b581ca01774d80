// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * An erase of no pages: its count byte(s) would say pages - 1 = 0xFF or 0xFFFF, Erase's and
 * Extended Erase's mass erase. Refused in the command itself, not only by its callers (found by
 * a review of the STM32 tools).
 */
class EraseCommandTest {
    @Test
    void noPagesIsRefusedNotAMassErase() {
        Stm32Part f405 = Stm32Part.byName("f405");
        IOException extended = assertThrows(IOException.class, () -> EraseCommand.of(f405, true, new int[0]));
        assertEquals("page count 0 outside the 1..65520 of a page erase (no pages would be a mass erase); nothing"
                + " erased", extended.getMessage());
        IOException legacy = assertThrows(IOException.class, () -> EraseCommand.of(f405, false, new int[0]));
        assertEquals("page count 0 outside the 1..256 of a page erase (no pages would be a mass erase); nothing"
                + " erased", legacy.getMessage());
    }

    @Test
    void onePageIsACountOfZero() throws IOException {
        EraseCommand c = EraseCommand.of(Stm32Part.byName("f405"), true, new int[] {3});
        assertEquals(An3155.EXTENDED_ERASE, c.opcode());
        assertEquals(0, c.payload()[0]);
        assertEquals(0, c.payload()[1]);
        assertEquals(3, c.payload()[3]);
    }
}
