// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;

/**
 * A device's answer that no honest device gives: an offset past the patch, or past what the host
 * has sent. The transfer ends (an I/O failure, exit 5), and nothing is reported as staged.
 */
public final class DeviceProtocolException extends IOException {
    public DeviceProtocolException(String message) {
        super(message);
    }

    /**
     * Checks {@code value} of the device's {@code field} against {@code 0..max}, what {@code limit}
     * names.
     */
    public static long checked(String device, String field, long value, long max, String limit)
            throws DeviceProtocolException {
        if (value < 0 || value > max) {
            throw new DeviceProtocolException(device + " answered " + field + " " + value + ", outside the allowed 0.."
                    + max + " (" + limit + ")");
        }
        return value;
    }
}
