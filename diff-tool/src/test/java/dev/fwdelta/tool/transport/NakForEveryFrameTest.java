// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A device that answers every DONE with a NAK at the patch length (the line broke DONE) and never
 * with RESULT (docs/PROTOCOL.md, "Timeouts"): DONE goes again at once, {@link
 * UartChannel#MAX_DONE_ATTEMPTS} times a session, and the session is begun again; one that
 * answers every BEGIN so, never with READY. The give-up says what the device did, not that it
 * stopped answering: it answered every frame.
 */
class NakForEveryFrameTest {
    private static final byte[] PATCH = ScriptedDevice.patch(2 * 1024);

    @Test
    void aNakAtThePatchLengthForEveryDoneIsNamedWhenGivenUpOn() {
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> got.type() == FrameType.DONE
                ? ScriptedDevice.nak(dev.total, UartDevice.NAK_CORRUPT) : dev.honest(got)).inLockstep();
        IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                (acked, total, resumedAt) -> { }, 1).send(PATCH));
        assertEquals("the device on scripted answered " + UartChannel.MAX_DONE_ATTEMPTS + " of "
                + UartChannel.MAX_DONE_ATTEMPTS + " DONE frames with a NAK at the patch length (DONE broken on the line)"
                + " and none with RESULT (gave up after 1 reconnects)", e.getMessage());
        assertEquals(2, d.begins, "the first session and one reconnect");
        assertEquals(2 * UartChannel.MAX_DONE_ATTEMPTS, d.dones);
    }

    @Test
    void aNakForEveryBeginIsNamedWhenGivenUpOn() {
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> got.type() == FrameType.BEGIN
                ? ScriptedDevice.nak(0, UartDevice.NAK_CORRUPT) : dev.honest(got)).inLockstep();
        IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                (acked, total, resumedAt) -> { }, 0).send(PATCH));
        // Each NAK draws BEGIN again at once: MAX_NAK_RESENDS of them, then MAX_BEGIN_ATTEMPTS.
        int begins = UartChannel.MAX_NAK_RESENDS + UartChannel.MAX_BEGIN_ATTEMPTS;
        assertEquals("the device on scripted answered BEGIN " + begins + " times, never with a READY offset (the last"
                + " answer a NAK of 5 bytes) (gave up after 0 reconnects)", e.getMessage());
        assertEquals(begins, d.begins);
        assertEquals(0, d.dataFrames);
    }
}
