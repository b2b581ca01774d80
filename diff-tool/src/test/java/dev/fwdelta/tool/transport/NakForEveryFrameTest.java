// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * A device that answers every DONE with a NAK at the patch length (the line broke DONE) and never
 * with RESULT (docs/PROTOCOL.md, "Timeouts"): DONE goes again at once, {@link
 * UartChannel#MAX_DONE_ATTEMPTS} times a session, and the session is begun again; one that
 * answers every BEGIN or HELLO so, never with READY or INFO. The give-up says what the device did, not that it
 * stopped answering: it answered every frame.
 */
class NakForEveryFrameTest {
    private static final byte[] PATCH = ScriptedDevice.patch(2 * 1024);

    /** A device that answers every frame of {@code type} with NAK 2 at {@code offset}, every other honestly. */
    private static ScriptedDevice naking(FrameType type, ToLongFunction<ScriptedDevice> offset) {
        return new ScriptedDevice(true, (got, dev) -> got.type() == type
                ? ScriptedDevice.nak(offset.applyAsLong(dev), UartDevice.NAK_CORRUPT) : dev.honest(got)).inLockstep();
    }

    /** How a send to {@code d}, allowed {@code maxReconnects}, ends. */
    private static IOException send(ScriptedDevice d, int maxReconnects) {
        return assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                (acked, total, resumedAt) -> { }, maxReconnects).send(PATCH));
    }

    @Test
    void aNakAtThePatchLengthForEveryDoneIsNamedWhenGivenUpOn() {
        ScriptedDevice d = naking(FrameType.DONE, dev -> dev.total);
        IOException e = send(d, 1);
        assertEquals("the device on scripted answered " + UartChannel.MAX_DONE_ATTEMPTS + " of "
                + UartChannel.MAX_DONE_ATTEMPTS + " DONE frames with a NAK at the patch length (DONE broken on the line)"
                + " and none with RESULT (gave up after 1 reconnects)", e.getMessage());
        assertEquals(2, d.begins, "the first session and one reconnect");
        assertEquals(2 * UartChannel.MAX_DONE_ATTEMPTS, d.dones);
    }

    @Test
    void aNakForEveryBeginOrHelloIsNamedWhenGivenUpOn() {
        // Each NAK draws the frame again at once: MAX_NAK_RESENDS of them, then the attempts of its wait.
        ScriptedDevice begin = naking(FrameType.BEGIN, dev -> 0);
        assertEquals("the device on scripted answered BEGIN with " + (UartChannel.MAX_NAK_RESENDS
                + UartChannel.MAX_BEGIN_ATTEMPTS) + " frames, none a READY with its offset (the last a NAK of 5 bytes)"
                + " (gave up after 0 reconnects)", send(begin, 0).getMessage());
        assertEquals(0, begin.dataFrames);
        // Not "answers, but not the fwdelta protocol": it speaks it, so it is a lost link, begun again.
        ScriptedDevice hello = naking(FrameType.HELLO, dev -> 0);
        assertEquals("the device on scripted answered HELLO with " + (UartChannel.MAX_NAK_RESENDS
                + UartChannel.HELLO_ATTEMPTS) + " frames, none an INFO (the last a NAK of 5 bytes)"
                + " (gave up after 0 reconnects)", send(hello, 0).getMessage());
        assertEquals(0, hello.begins);
    }
}
