// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;

/**
 * The device answered RESULT with an error: the patch error code (docs/FORMAT.md 5) and its
 * message, kept only as {@link DeviceText#printable} makes it, since it is printed as it is.
 */
public final class DeviceRefusedException extends IOException {
    private final int status;
    private final String deviceMessage;

    public DeviceRefusedException(int status, String message) {
        super("device refused the update (status " + status + "): " + DeviceText.printable(message));
        this.status = status;
        this.deviceMessage = DeviceText.printable(message);
    }

    /** The device's own message, printable (it usually names the error code already). */
    public String deviceMessage() {
        return deviceMessage;
    }

    public int status() {
        return status;
    }
}
