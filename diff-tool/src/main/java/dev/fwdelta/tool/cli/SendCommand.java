// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.tool.sim.ThrottledLink;
import dev.fwdelta.tool.transport.DeviceText;
import dev.fwdelta.tool.transport.HostSession;
import dev.fwdelta.tool.transport.Link;
import dev.fwdelta.tool.transport.SerialLink;
import dev.fwdelta.tool.transport.UartChannel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send PATCH to a device's update agent over a serial port (UART, USB CDC-ACM) or USB DFU.")
final class SendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH", description = "The patch to send (checked before the device is contacted).")
    Path patchPath;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--port", paramLabel = "PATH", description = "Serial port, e.g. /dev/ttyUSB0 or /dev/ttyACM0.")
        String port;

        @Option(names = "--usb", paramLabel = "VID:PID", converter = UsbId.Converter.class,
                description = "USB DFU device, e.g. 0483:df11.")
        UsbId usb;
    }

    @Option(names = "--baud", defaultValue = "115200", converter = BaudRate.class,
            description = "Line rate, 1200..4000000 (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--throttle", description = "Pace writes to the baud rate (for pseudo-terminals, which ignore it).")
    boolean throttle;

    @Option(names = "--go-back-n", description = "Do not offer selective repeat: resend everything after a lost frame, as version-1 hosts do.")
    boolean goBackN;

    @Mixin
    JsonOption json;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() throws Exception {
        // checked as it is read, with apply's errors, before a port is opened: a device would only refuse it
        byte[] patch = PatchFileSummary.readWhole(patchPath);
        ProgressReporter progress = json.progress(spec);
        Map<String, Object> summary = new LinkedHashMap<>();
        if (target.usb != null) {
            summary.putAll(UsbSend.send(target.usb, patch, progress, timeout.millis()));
        } else {
            try (Link serial = SerialLink.open(target.port, baud);
                 Link link = throttle ? new ThrottledLink(serial, baud) : serial;
                 UartChannel channel = new UartChannel(link, baud, timeout.millis(), !goBackN)) {
                HostSession.Result r = new HostSession(channel, progress, UartChannel.MAX_RECONNECTS).send(patch);
                summary.putAll(uartSummary(r, channel, baud));
            }
            // a refusal (DeviceRefusedException) is reported once, by ErrorMapper, with its exit code
        }
        json.output(spec).result(summary, w -> printText(w, summary));
        return ExitCodes.OK;
    }

    /** The done line's fields of a UART transfer; the device's own message made printable. */
    static Map<String, Object> uartSummary(HostSession.Result r, UartChannel channel, int baud) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", r.installed() ? "installed" : "staged");
        summary.put("patch_bytes", r.patchBytes());
        summary.put("started_at_offset", r.firstOffset());
        summary.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        summary.put("bytes_per_second", Math.round((r.patchBytes() - r.firstOffset()) / r.seconds()));
        summary.put("line_rate_bytes_per_second", baud / 10);
        summary.put("reconnects", r.reconnects());
        summary.put("restarts", r.restarts());
        summary.put("retransmitted_bytes", channel.retransmittedBytes());
        summary.put("data_frames", channel.counters().dataFrames());
        summary.put("retransmitted_frames", channel.counters().retransmittedFrames());
        summary.put("naks", channel.counters().naks());
        summary.put("selective_repeat", channel.selectiveRepeat());
        summary.put("sacks", channel.counters().sacks());
        summary.put("timeouts", channel.counters().timeouts());
        summary.put("device", DeviceText.printable(r.deviceMessage()));
        return summary;
    }

    /** The summary for a person: one "key value" line per field. */
    static void printText(PrintWriter w, Map<String, Object> summary) {
        // as wide as the longest key: line_rate_bytes_per_second would push its value out of line
        int width = summary.keySet().stream().mapToInt(String::length).max().orElse(0);
        summary.forEach((k, v) -> w.printf("%-" + width + "s %s%n", k, v));
    }
}
