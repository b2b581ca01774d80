// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
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

    /**
     * Whether bState says the device is still working on the last request, so the host polls
     * again. Only these four states: an idle, error or unknown state does not change by waiting,
     * and a host that waited on it would spend its whole limit for nothing.
     */
    public static boolean busy(byte[] status) {
        DfuState state = DfuState.of(status[4] & 0xFF);
        return state == DfuState.DNBUSY || state == DfuState.DNLOAD_SYNC || state == DfuState.MANIFEST
                || state == DfuState.MANIFEST_SYNC;
    }

    /** bState for a message: its number, and its name when DFU 1.1 defines it. */
    public static String stateText(byte[] status) {
        int code = status[4] & 0xFF;
        DfuState state = DfuState.of(code);
        return code + (state == null ? " (not a DFU 1.1 state)" : " (" + state + ")");
    }
}
