// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

/** Frame types of the UART protocol (docs/PROTOCOL.md section 1). */
public enum FrameType {
    HELLO(0x01), INFO(0x02), BEGIN(0x03), READY(0x04), DATA(0x05), ACK(0x06), NAK(0x07), DONE(0x08),
    RESULT(0x09), ABORT(0x0A), SACK(0x0B);

    private static final FrameType[] ALL = values();

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of a code, or null for an unknown one. */
    public static FrameType of(int code) {
        for (FrameType t : ALL) { // not values(): that is a new array each call, and this runs per frame
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
