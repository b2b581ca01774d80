// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Numbers and sizes of options and layout files: decimal (zero-padded too) or 0x hex, nothing else. */
class SizesTest {
    @Test
    void decimalWithLeadingZerosIsDecimalAndHexNeedsItsPrefix() {
        assertEquals(10, Sizes.parseUnsigned("010"));
        assertEquals(8, Sizes.parseUnsigned(" 0008 "));
        assertEquals(0x10, Sizes.parseUnsigned("0x10"));
        assertEquals(0xABC, Sizes.parseUnsigned("0XaBc"));
        assertEquals(Long.MAX_VALUE, Sizes.parseUnsigned("9223372036854775807"));
        assertEquals(16 * 1024, Sizes.parse("016K"));
        assertEquals(0x4000, Sizes.parse("0x4000"));
        assertEquals(2 * 1024 * 1024, Sizes.parse("2MiB"));
    }

    @Test
    void signsHashesAndOtherDigitsAreRefused() {
        for (String bad : new String[] {"", "0x", "#10", "+10", "-1", "1_0", "1e3", "0x-1", "\u0661\u0660",
            "9223372036854775808", "0x8000000000000000"}) {
            assertThrows(NumberFormatException.class, () -> Sizes.parseUnsigned(bad), bad);
        }
        assertThrows(NumberFormatException.class, () -> Sizes.parse("-16K"));
    }

    @Test
    void aSizeEndsInOneUnitAtMost() {
        assertEquals(16 * 1024, Sizes.parse("16kib"));
        assertEquals(16 * 1024, Sizes.parse("16KB"));
        assertEquals(3 * 1024 * 1024, Sizes.parse("3MB"));
        assertEquals(16, Sizes.parse("16B"));
        assertEquals(0x1B, Sizes.parse("0x1B")); // B is a hex digit there, not bytes
        assertEquals(4 * 1024, Sizes.parse("0x4K"));
        for (String bad : new String[] {"1IB6ib384", "2ib3", "16KiBKiB", "16KK", "16KM", "K", "KiB", "B", "0xK",
            "16Ki", "16iB"}) {
            NumberFormatException e = assertThrows(NumberFormatException.class, () -> Sizes.parse(bad), bad);
            assertEquals("'" + bad + "' is not a size: a decimal or 0x hex number, then at most one of K, KiB, KB, M,"
                    + " MiB, MB, B", e.getMessage());
        }
    }
}
