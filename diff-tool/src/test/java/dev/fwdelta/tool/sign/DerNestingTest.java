// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerNestingTest {
    private static final int MAX = 4;

    @Test
    void theLimitIsTheDeepestLevelAllowed() {
        assertDoesNotThrow(() -> DerNesting.requireDepthAtMost(KeylessFiles.nestedDer(MAX), MAX));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DerNesting.requireDepthAtMost(KeylessFiles.nestedDer(MAX + 1), MAX));
        assertTrue(e.getMessage().contains("nests deeper than 4 levels (at byte 8); a key nests 1..4"), e.getMessage());
    }

    @Test
    void definiteLengthsAndSiblingsAreFollowed() {
        // SEQUENCE { SEQUENCE { OCTET STRING }, SEQUENCE { SEQUENCE { NULL } } }: three levels deep
        byte[] der = hex("300b 3003 040100 3004 3002 0500");
        assertDoesNotThrow(() -> DerNesting.requireDepthAtMost(der, 3));
        assertThrows(IllegalArgumentException.class, () -> DerNesting.requireDepthAtMost(der, 2));
        // A two-byte length field, and a context tag ([1], constructed) as a level.
        assertThrows(IllegalArgumentException.class, () -> DerNesting.requireDepthAtMost(hex("30820004 a1020500"), 1));
        assertDoesNotThrow(() -> DerNesting.requireDepthAtMost(hex("30820004 a1020500"), 2));
    }

    @Test
    void levelsEndedByEndOfContentsAreLeftBehind() {
        // Four SEQUENCEs of indefinite length one after the other, not inside each other.
        assertDoesNotThrow(() -> DerNesting.requireDepthAtMost(hex("30800000 30800000 30800000 30800000"), 1));
    }

    @Test
    void whatIsNotWellFormedIsLeftToTheParser() {
        for (String bad : new String[] {"30", "3005 0500", "3085 0000000001", "0480 0000", "0000", "1f"}) {
            assertDoesNotThrow(() -> DerNesting.requireDepthAtMost(hex(bad), 1), bad);
        }
    }

    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }
}
