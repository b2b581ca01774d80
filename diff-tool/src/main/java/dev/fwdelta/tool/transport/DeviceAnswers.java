// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.nio.charset.StandardCharsets;

/**
 * The device's answers read the same in every phase (docs/PROTOCOL.md): a NAK saying the line
 * broke a frame, a refusal, and the hold ring INFO reports.
 */
final class DeviceAnswers {
    private DeviceAnswers() {
    }

    /**
     * Whether {@code f} is a NAK 2 or 4: the device got a broken or cut frame (a device of this
     * version says so outside a transfer too).
     */
    static boolean brokenFrame(Frame f) {
        return f != null && f.type() == FrameType.NAK && f.payload().length >= 5
                && (f.payload()[4] == UartDevice.NAK_CORRUPT || f.payload()[4] == UartDevice.NAK_CUT);
    }

    /** Whether {@code f} is a RESULT with an error (or too short to say it has none). */
    static boolean refusal(Frame f) {
        return f.type() == FrameType.RESULT && (f.payload().length < 2 || LittleEndian.u16(f.payload(), 0) != 0);
    }

    /** The refusal a RESULT with an error says, in the device's words. */
    static DeviceRefusedException refused(Frame f) {
        byte[] p = f.payload();
        int status = p.length >= 2 ? LittleEndian.u16(p, 0) : 0xFFFF;
        String message = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
        return new DeviceRefusedException(status, message);
    }

    /**
     * The hold ring an INFO reports with the selective-repeat capability (after the layout name:
     * u8 capabilities, u16 hold bytes), or 0 for a device without it (version 1's INFO ends at the
     * name). A ring smaller than the least frame cannot hold one, so it counts as none.
     */
    static int heldByDevice(byte[] info) {
        if (info.length < 25) {
            return 0;
        }
        int at = 25 + (info[24] & 0xFF);
        if (info.length < at + 3 || (info[at] & UartDevice.CAP_SELECTIVE_REPEAT) == 0) {
            return 0;
        }
        int hold = LittleEndian.u16(info, at + 1);
        return hold >= FrameSizer.MIN_PAYLOAD ? hold : 0;
    }
}
