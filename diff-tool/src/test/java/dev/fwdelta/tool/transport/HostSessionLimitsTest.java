// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * How long {@link HostSession} goes on when the transfer does not move on (docs/PROTOCOL.md,
 * "Reconnects"): lost links and restarts against one limit, counted since the acknowledged offset
 * last passed its highest; data frames against another, counted since it last grew. A scripted
 * device over an in-memory line; counts of frames and sessions are asserted, never times.
 */
class HostSessionLimitsTest {
    private static final byte[] PATCH = ScriptedDevice.patch(16 * 1024);

    /** A device silent after BEGIN in the first {@code silentSessions} sessions, honest after. */
    private static ScriptedDevice silentAfterBegin(int silentSessions) {
        return new ScriptedDevice(false, (got, dev) ->
                dev.begins <= silentSessions && (got.type() == FrameType.DATA || got.type() == FrameType.DONE)
                        ? null : dev.honest(got));
    }

    private static HostSession.Result send(ScriptedDevice d, int maxReconnects) throws IOException {
        return new HostSession(new UartChannel(d, 115_200, 200), (acked, total, resumedAt) -> { }, maxReconnects)
                .send(PATCH);
    }

    @Test
    void theLostLinkAfterTheLastReconnectAllowedEndsTheTransferSayingSo() {
        ScriptedDevice d = silentAfterBegin(Integer.MAX_VALUE);
        IOException e = assertThrows(IOException.class, () -> send(d, 3));
        assertEquals("the device on scripted stopped answering (gave up after 3 reconnects)", e.getMessage());
        assertEquals(4, d.begins, "the first session and three reconnects");
        assertEquals(0, d.dones);
    }

    @Test
    void asManyLostLinksAsAllowedStillStageThePatch() throws Exception {
        ScriptedDevice d = silentAfterBegin(3);
        HostSession.Result r = send(d, 3);
        assertEquals(3, r.reconnects());
        assertEquals(4, d.begins);
        assertEquals(1, d.dones);
    }
}
