// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@code --region START-END} reads its numbers as every other number option does (docs/CLI.md,
 * Numbers): decimal with leading zeros or 0x hex, no signs and no other digits. Before, Long.parseLong
 * took "+0", "0x+8000000" and Arabic-Indic digits, which --address refuses.
 */
class AddressRangeTest {
    @Test
    void numbersAreDecimalOrHexOnly() {
        assertEquals(new AddressRange(0, 0x80000), AddressRange.parse("0x0-0x80000"));
        assertEquals(new AddressRange(10, 20), AddressRange.parse("010-020"));
        assertEquals(new AddressRange(0x0800_0000L, 1L << 32), AddressRange.parse(" 0x08000000 - 0x100000000 "));
        for (String bad : new String[] {"+0-0x80000", "0x+8000000-0x9000000", "0-\u0669\u0669\u0669",
            "0x\u0660-0x10", "#10-0x20", "0-", "0x-0x10"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(bad),
                    bad);
            assertEquals("--region must be START-END with numbers 0..0x100000000, not '" + bad + "'", e.getMessage());
        }
    }
}
