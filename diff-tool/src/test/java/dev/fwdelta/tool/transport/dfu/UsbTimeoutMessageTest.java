// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.usb4java.LibUsb;

/** How a libusb result becomes the error a user reads; no USB device is needed for this. */
class UsbTimeoutMessageTest {
    @Test
    void aSilentDeviceNamesTheTimeoutOption() {
        IOException e = assertThrows(IOException.class, () -> Usb4JavaControl.check(LibUsb.ERROR_TIMEOUT, 3, 1500));
        assertFalse(e instanceof StallException, "a timeout is not a stall: the host must not clear and retry");
        assertTrue(e.getMessage().contains("within 1.5 s (--timeout)"), e.getMessage());
        assertTrue(e.getMessage().contains("request 3"), e.getMessage());
    }

    @Test
    void aStallStaysAStallAndSuccessPasses() {
        assertInstanceOf(StallException.class,
                assertThrows(IOException.class, () -> Usb4JavaControl.check(LibUsb.ERROR_PIPE, 1, 2000)));
        assertDoesNotThrow(() -> Usb4JavaControl.check(6, 3, 2000));
        IOException other = assertThrows(IOException.class, () -> Usb4JavaControl.check(LibUsb.ERROR_NO_DEVICE, 1, 2000));
        assertFalse(other.getMessage().contains("--timeout"), other.getMessage());
    }
}
