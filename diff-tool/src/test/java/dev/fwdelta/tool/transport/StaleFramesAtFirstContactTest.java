// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A board left mid-session by an earlier run answers the first HELLOs of this one with stale
 * frames of the protocol (an ACK of that run's transfer) and no INFO (docs/PROTOCOL.md,
 * "Handshake failures"): it speaks the protocol, so that is a lost link, begun again and counted
 * as a reconnect, as the web page does (web/test/first-contact.test.js), not the end of the
 * send. It used to end at once. A scripted device over an in-memory line; counts are asserted,
 * never times.
 */
class StaleFramesAtFirstContactTest {
    private static final byte[] PATCH = ScriptedDevice.patch(2 * 1024);
    /** HELLOs answered with a stale ACK: more than one session sends. */
    private static final int STALE_HELLOS = UartChannel.HELLO_ATTEMPTS + 2;

    /** Answers the first {@code staleHellos} HELLOs with a stale ACK instead of INFO, everything else honestly. */
    private static ScriptedDevice staleFor(int staleHellos) {
        int[] hellos = {0};
        return new ScriptedDevice(false, (got, dev) -> got.type() == FrameType.HELLO && ++hellos[0] <= staleHellos
                ? ScriptedDevice.offset(FrameType.ACK, 4096) : dev.honest(got)).inLockstep();
    }

    @Test
    void staleFramesAndNoInfoAtFirstContactAreALostLinkBegunAgain() throws IOException {
        ScriptedDevice d = staleFor(STALE_HELLOS);
        HostSession.Result r = new HostSession(new UartChannel(d, 115_200, 200), (a, t, s) -> { },
                UartChannel.MAX_RECONNECTS).send(PATCH);
        assertEquals(1, r.reconnects(), "the first session's HELLOs drew only stale frames");
        assertEquals(1, d.begins);
        assertEquals(0, d.expected - d.total, "every byte applied");
        assertTrue(r.deviceMessage().contains("ok"), r.deviceMessage());
    }

    @Test
    void aDeviceThatNeverAnswersInfoIsGivenUpOnAfterTheReconnects() {
        ScriptedDevice d = staleFor(Integer.MAX_VALUE);
        IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                (a, t, s) -> { }, 2).send(PATCH));
        assertEquals("the device on scripted answered HELLO with " + UartChannel.HELLO_ATTEMPTS + " frames, none an INFO"
                + " (the last a ACK of 4 bytes) (gave up after 2 reconnects)", e.getMessage());
        assertEquals(0, d.begins);
    }
}
