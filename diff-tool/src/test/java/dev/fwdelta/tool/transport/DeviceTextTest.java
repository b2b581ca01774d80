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
    void directionControlsBecomeVisible() {
        assertEquals("x\\u202Ey\\u200Ez\\u200F\\u202A\\u2066\\u2069\u2065\u202F\\u061C", DeviceText.printable(
                "x\u202Ey\u200Ez\u200F\u202A\u2066\u2069\u2065\u202F\u061C"));
    }

    @Test
    void textPastTheLimitIsCutWithAMarker() {
        String limit = "x".repeat(DeviceText.MAX_CHARS);
        assertEquals(limit, DeviceText.printable(limit));
        assertEquals(limit + " [5 more characters cut]", DeviceText.printable(limit + "\n\n\nyy"));
    }
}
