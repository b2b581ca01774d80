// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeviceTextTest {
    @Test
    void controlCharactersBecomeHexAndPrintableTextStays() {
        assertEquals("a\\x00b\\x1Fc\\x7Fd\\x80e\\x9Bf \u00a0\u00e9~", DeviceText.printable(
                "a\u0000b\u001fc\u007fd\u0080e\u009bf \u00a0\u00e9~"));
        assertEquals("", DeviceText.printable(""));
    }

    @Test
    void textPastTheLimitIsCutWithAMarker() {
        String limit = "x".repeat(DeviceText.MAX_CHARS);
        assertEquals(limit, DeviceText.printable(limit));
        assertEquals(limit + " [5 more characters cut]", DeviceText.printable(limit + "\n\n\nyy"));
    }
}
