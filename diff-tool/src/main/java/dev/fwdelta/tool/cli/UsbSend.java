// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.transport.HostSession;
import dev.fwdelta.tool.transport.dfu.DfuChannel;
import dev.fwdelta.tool.transport.dfu.Usb4JavaControl;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code fwdelta send --usb VID:PID}: the DFU host over usb4java. */
final class UsbSend {
    private UsbSend() {}

    static Map<String, Object> send(UsbId id, byte[] patch, ProgressReporter progress, long timeoutMs) throws IOException {
        try (Usb4JavaControl usb = Usb4JavaControl.open(id.vid(), id.pid(), timeoutMs)) {
            HostSession.Result r = DfuChannel.send(usb, patch, progress);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("status", "staged");
            summary.put("patch_bytes", r.patchBytes());
            summary.put("started_at_offset", r.firstOffset());
            summary.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
            summary.put("stalls_recovered", r.reconnects());
            summary.put("restarts", r.restarts());
            return summary;
        }
    }
}
