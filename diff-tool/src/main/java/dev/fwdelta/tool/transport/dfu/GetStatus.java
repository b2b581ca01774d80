// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import java.io.IOException;

/** DFU_GETSTATUS: bStatus, bwPollTimeout, bState, iString; a reply of another length is refused before it is read. */
public final class GetStatus {
    /** The length of the reply, and what the host asks for. */
    public static final int LENGTH = 6;

    private GetStatus() {}

    /** Requests the status; the reply has exactly {@link #LENGTH} bytes, or this throws. */
    public static byte[] request(ControlTransfer usb) throws IOException {
        byte[] s = usb.in(DfuRequest.GETSTATUS, 0, LENGTH);
        if (s.length != LENGTH) {
            throw new IOException("DFU_GETSTATUS returned " + s.length + " bytes, not " + LENGTH);
        }
        return s;
    }

    /** bwPollTimeout: the milliseconds the device asks the host to wait before the next request. */
    public static int pollTimeoutMs(byte[] status) {
        return (status[1] & 0xFF) | (status[2] & 0xFF) << 8 | (status[3] & 0xFF) << 16;
    }
}
