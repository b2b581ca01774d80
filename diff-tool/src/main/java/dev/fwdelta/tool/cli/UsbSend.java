package dev.fwdelta.tool.cli;

import java.io.IOException;
import java.util.Map;

/** {@code fwdelta send --usb VID:PID}: the DFU host over usb4java. */
final class UsbSend {
    private UsbSend() {}

    static Map<String, Object> send(String vidPid, byte[] patch, ProgressReporter progress) throws IOException {
        throw new IOException("USB DFU transport not available yet");
    }
}
