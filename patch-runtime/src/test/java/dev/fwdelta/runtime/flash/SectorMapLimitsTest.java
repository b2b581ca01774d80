// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A sector count is checked before the map is built: a huge one would exhaust memory. */
class SectorMapLimitsTest {
    @Test
    void aCountPastTheLimitIsRefusedWithItsRange() {
        assertEquals(SectorMap.MAX_SECTORS, SectorMap.parse(SectorMap.MAX_SECTORS + "x1K").count());
        for (String spec : new String[] {(SectorMap.MAX_SECTORS + 1) + "x1K", "99999999999x1K", "1x1K, 65536x1K",
                "0x1K"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SectorMap.parse(spec));
            assertFalse(e instanceof NumberFormatException, spec + ": " + e);
            assertTrue(e.getMessage().contains("sector count") && e.getMessage().contains("valid range 1.."
                    + SectorMap.MAX_SECTORS), spec + ": " + e.getMessage());
        }
    }
}
