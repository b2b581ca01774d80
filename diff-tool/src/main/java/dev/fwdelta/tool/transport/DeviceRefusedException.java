// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;

/** The device answered RESULT with an error: the patch error code (docs/FORMAT.md 5) and its message. */
public final class DeviceRefusedException extends IOException {
    private final int status;
    private final String deviceMessage;

    public DeviceRefusedException(int status, String message) {
        super("device refused the update (status " + status + "): " + message);
        this.status = status;
        this.deviceMessage = message;
    }

    /** The device's own message (it usually names the error code already). */
    public String deviceMessage() {
        return deviceMessage;
    }

    public int status() {
        return status;
    }
}
