// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/**
 * The honest answers of the tests' {@link ScriptedDevice} are a real device's (docs/PROTOCOL.md):
 * a host that sent DONE before every byte would otherwise pass the transport tests.
 */
class ScriptedDeviceTest {
    private final ScriptedDevice device = new ScriptedDevice(false, (got, dev) -> dev.honest(got));
    private final ArrayDeque<Frame> answers = new ArrayDeque<>();
    private final FrameDecoder decoder = new FrameDecoder(answers::add);

    private Frame exchange(FrameType type, byte[] payload) throws IOException {
        byte[] b = new Frame(type, 0, payload).encode();
        device.write(b, 0, b.length);
        byte[] buf = new byte[2048];
        while (answers.isEmpty()) {
            int n = device.read(buf, 0, buf.length, 1000);
            assertTrue(n > 0, "the scripted device answers every frame here");
            decoder.push(buf, 0, n);
        }
        return answers.poll();
    }

    private static byte[] u32(long value) {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, value);
        return p;
    }

    private static byte[] data(long offset, int length) {
        byte[] p = new byte[4 + length];
        LittleEndian.put32(p, 0, offset);
        return p;
    }

    @Test
    void doneBeforeEveryByteArrivedDrawsNakAtTheExpectedOffsetAndStagesNothing() throws Exception {
        long total = 600;
        assertEquals(FrameType.READY, exchange(FrameType.BEGIN, u32(total)).type());
        assertEquals(FrameType.ACK, exchange(FrameType.DATA, data(0, 400)).type());

        Frame early = exchange(FrameType.DONE, u32(total));
        assertEquals(FrameType.NAK, early.type());
        assertArrayEquals(ScriptedDevice.nak(400, UartDevice.NAK_GAP).payload(), early.payload());

        assertEquals(FrameType.ACK, exchange(FrameType.DATA, data(400, 200)).type());
        Frame done = exchange(FrameType.DONE, u32(total));
        assertEquals(FrameType.RESULT, done.type());
        assertEquals(0, LittleEndian.u16(done.payload(), 0));
    }
}
