// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The example frames of docs/PROTOCOL.md section 1, byte for byte. */
class ProtocolExamplesTest {
    private static String hex(Frame f) {
        return HexFormat.ofDelimiter(" ").formatHex(f.encode());
    }

    @Test
    void nakRestarted() {
        byte[] payload = {0x3d, 0x04, 0x00, 0x00, UartDevice.NAK_RESTARTED};
        assertEquals("a5 07 2a 05 00 e0 f7 3d 04 00 00 03 de f3 be e4", hex(new Frame(FrameType.NAK, 0x2A, payload)));
    }

    @Test
    void readyAtTheNextExpectedByte() {
        byte[] payload = {0x42, 0x2c, 0x00, 0x00};
        assertEquals("a5 04 01 04 00 3a 29 42 2c 00 00 a9 5b 0d 18", hex(new Frame(FrameType.READY, 0x01, payload)));
    }
}
