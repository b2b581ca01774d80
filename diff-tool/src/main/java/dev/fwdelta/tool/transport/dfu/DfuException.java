// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import java.io.IOException;

/** The device reported an error status (or an unexpected state) during a DFU transfer. */
public final class DfuException extends IOException {
    private final DfuStatus status;

    public DfuException(String what, DfuStatus status, DfuState state) {
        super(what + ": device status " + status + " in state " + state);
        this.status = status;
    }

    public DfuStatus status() {
        return status;
    }
}
