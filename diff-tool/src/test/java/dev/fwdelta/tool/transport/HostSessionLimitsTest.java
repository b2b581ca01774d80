// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * How long {@link HostSession} goes on when the transfer does not move on (docs/PROTOCOL.md,
 * "Reconnects"): lost links and restarts against one limit, counted since the acknowledged offset
 * last passed its highest; data frames against another, counted since it last grew. A scripted
 * device over an in-memory line; counts of frames and sessions are asserted, never times.
 */
class HostSessionLimitsTest {
    private static final byte[] PATCH = ScriptedDevice.patch(40 * 1024);
    /** Where {@link #restartingAtTheSameByte} restarts: a frame past it, whatever its size, reaches CHECKPOINT. */
    private static final long FIRST_LIMIT = 4096;
    private static final long CHECKPOINT = 1020;

    /** A device silent after BEGIN in the first {@code silentSessions} sessions, honest after. */
    private static ScriptedDevice silentAfterBegin(int silentSessions) {
        return new ScriptedDevice(false, (got, dev) ->
                dev.begins <= silentSessions && (got.type() == FrameType.DATA || got.type() == FrameType.DONE)
                        ? null : dev.honest(got));
    }

    /**
     * A device that restarts the update (NAK 3 to {@code checkpoint(n)}) at the DATA frame that
     * would take it past {@code limit(n)}, n counting its restarts from 0; honest otherwise.
     */
    private static ScriptedDevice restarting(boolean selectiveRepeat, int[] restarts, IntToLongFunction limit,
                                             IntToLongFunction checkpoint) {
        return new ScriptedDevice(selectiveRepeat, (got, dev) -> {
            if (got.type() == FrameType.DATA && dev.offsetOf(got) == dev.expected
                    && dev.endOf(got) > limit.applyAsLong(restarts[0])) {
                dev.expected = checkpoint.applyAsLong(restarts[0]++);
                return ScriptedDevice.nak(dev.expected, UartDevice.NAK_RESTARTED);
            }
            return dev.honest(got);
        });
    }

    /**
     * A device that restarts the update (NAK 3 to {@link #CHECKPOINT}) at the same byte each time:
     * at the first DATA frame past {@link #FIRST_LIMIT}, and from then on at any frame past the
     * offset it had reached then, whatever the host's frame sizes. With {@code silentAfterRestart}
     * it then answers nothing more in that session.
     */
    private static ScriptedDevice restartingAtTheSameByte(boolean selectiveRepeat, int[] restarts,
                                                          boolean silentAfterRestart) {
        long[] ceiling = {FIRST_LIMIT};
        int[] restartedInSession = {0};
        return new ScriptedDevice(selectiveRepeat, (got, dev) -> {
            if (got.type() == FrameType.BEGIN) {
                restartedInSession[0] = 0;
            }
            if (silentAfterRestart && restartedInSession[0] > 0 && got.type() == FrameType.DATA) {
                return null;
            }
            if (got.type() == FrameType.DATA && dev.offsetOf(got) == dev.expected && dev.endOf(got) > ceiling[0]) {
                ceiling[0] = restarts[0]++ == 0 ? dev.expected : ceiling[0];
                restartedInSession[0]++;
                dev.expected = CHECKPOINT;
                return ScriptedDevice.nak(CHECKPOINT, UartDevice.NAK_RESTARTED);
            }
            return dev.honest(got);
        });
    }

    private static HostSession.Result send(ScriptedDevice d, int maxReconnects) throws IOException {
        return send(d, maxReconnects, new int[1]);
    }

    /**
     * Sends the patch with a 200 ms answer timeout; {@code restartsSeen[0]} counts the restarts
     * the host's progress shows. In lockstep, so that a reader thread held up on a busy machine
     * is no lost link: only a device that answers nothing is.
     */
    private static HostSession.Result send(ScriptedDevice d, int maxReconnects, int[] restartsSeen) throws IOException {
        long[] last = {-1};
        d.inLockstep();
        return new HostSession(new UartChannel(d, 115_200, 200), (acked, total, resumedAt) -> {
            if (acked < last[0]) {
                restartsSeen[0]++;
            }
            last[0] = acked;
        }, maxReconnects).send(PATCH);
    }

    @Test
    void aDeviceThatRestartsAtTheSameOffsetForeverIsGivenUpOn() {
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            int[] restarts = {0};
            int[] seen = {0};
            ScriptedDevice d = restartingAtTheSameByte(selectiveRepeat, restarts, false);
            IOException e = assertThrows(IOException.class, () -> send(d, UartChannel.MAX_RECONNECTS, seen));
            assertEquals("the device on scripted restarted the update at offset " + CHECKPOINT + " (gave up after "
                    + UartChannel.MAX_RECONNECTS + " restarts)", e.getMessage());
            // The guard's count is the message's; in lockstep the host reads each restart before
            // it sends another frame, so the device draws exactly one more (the one given up on)
            // and the host's progress shows the ones it went on after.
            assertEquals(UartChannel.MAX_RECONNECTS + 1, restarts[0]);
            assertEquals(UartChannel.MAX_RECONNECTS, seen[0]);
            assertEquals(1, d.begins, "a restart is no reconnect");
            assertEquals(0, d.dones);
        }
    }

    @Test
    void aDeviceThatRestartsFurtherOnEachTimeIsStagedWhateverTheCount() throws Exception {
        // Each restart lets the transfer get further than before it: more than a frame further,
        // so the acknowledged offset passes its highest before the next restart.
        int count = UartChannel.MAX_RECONNECTS + 10;
        long step = (PATCH.length - 2048) / count;
        assertTrue(step > 1020, "the patch is long enough for " + count + " restarts a frame apart: " + step);
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            int[] restarts = {0};
            // In lockstep: each answer is read in the send that wrote its frame, so the counts do
            // not depend on how the reader thread is scheduled. Restarts inside a burst of
            // answers read in one send are counted too (HostSessionRestartCountTest).
            ScriptedDevice d = restarting(selectiveRepeat, restarts,
                    n -> n < count ? 2048 + (n + 1) * step : Long.MAX_VALUE, n -> 1024 + n * step).inLockstep();
            HostSession.Result r = send(d, UartChannel.MAX_RECONNECTS);
            assertEquals(count, restarts[0]);
            assertEquals(count, r.restarts());
            assertEquals(0, r.reconnects());
            assertEquals(1, d.dones);
        }
    }

    @Test
    void restartsAndLostLinksCountAgainstTheSameLimit() {
        // Each session: READY at 0, a restart at the same byte, then silence. Before send() put
        // the device in lockstep, a reader thread held up on a busy machine made the host lose
        // the link before it read the restart, and a third session restarted at the same byte.
        int[] restarts = {0};
        ScriptedDevice d = restartingAtTheSameByte(false, restarts, true);
        IOException e = assertThrows(IOException.class, () -> send(d, 3));
        // Restart, lost link, restart, lost link: the fourth setback is one too many.
        assertEquals("the device on scripted stopped answering (gave up after 1 reconnects and 2 restarts)",
                e.getMessage());
        // Two sessions, one restart in each; a BEGIN is sent again within a session when READY
        // takes longer than MIN_BEGIN_WAIT_MS (a busy machine), so BEGIN frames are two or more.
        assertEquals(2, restarts[0]);
        assertTrue(d.begins >= 2, d.begins + " BEGIN frames");
    }

    @Test
    void aDeviceThatNaksEveryDataFrameIsGivenUpOnAfterTheFrameBound() {
        // The line breaks every frame and the device says so (NAK 2): it answers, the link is
        // never lost, the acknowledged offset never grows.
        ScriptedDevice sr = new ScriptedDevice(true, (got, dev) -> got.type() == FrameType.DATA
                ? ScriptedDevice.nak(dev.expected, UartDevice.NAK_CORRUPT) : dev.honest(got));
        IOException e = assertThrows(IOException.class, () -> send(sr, UartChannel.MAX_RECONNECTS));
        assertEquals("the device on scripted made no progress in " + HostSession.MAX_FRAMES_WITHOUT_PROGRESS
                + " data frames: nothing acknowledged past offset 0", e.getMessage());
        assertEquals(HostSession.MAX_FRAMES_WITHOUT_PROGRESS, sr.dataFrames);
        assertEquals(1, sr.begins);

        // Go-back-N waits a retransmission timeout for most frames (longer than the 200 ms answer
        // timeout above, hence the default one): a lower bound keeps the test short.
        ScriptedDevice gbn = new ScriptedDevice(false, (got, dev) -> got.type() == FrameType.DATA
                ? ScriptedDevice.nak(dev.expected, UartDevice.NAK_CORRUPT) : dev.honest(got));
        e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(gbn, 115_200),
                (acked, total, resumedAt) -> { }, UartChannel.MAX_RECONNECTS, 8).send(PATCH));
        assertEquals("the device on scripted made no progress in 8 data frames: nothing acknowledged past offset 0",
                e.getMessage());
        assertEquals(8, gbn.dataFrames);
        assertEquals(1, gbn.begins);
    }

    /**
     * The frame bound counts frames as they are written; their answers are read later, by the
     * reader's thread, a window of them still on the line. So that frames whose ACKs are merely
     * unread never end a transfer still moving, the bound exceeds the most frames a window holds:
     * the largest window in the least frames, and one short last frame of the patch.
     */
    @Test
    void theFrameBoundExceedsTheMostFramesAWindowHolds() {
        long mostInWindow = UartChannel.MAX_WINDOW_BYTES / FrameSizer.MIN_PAYLOAD + 1;
        assertTrue(HostSession.MAX_FRAMES_WITHOUT_PROGRESS >= 8 * mostInWindow,
                "bound " + HostSession.MAX_FRAMES_WITHOUT_PROGRESS + ", a window holds up to " + mostInWindow + " frames");
    }

    @Test
    void theFrameBoundStartsAgainWheneverTheAcknowledgedOffsetGrowsUnderSelectiveRepeat() throws Exception {
        // The line breaks the first BROKEN frames after each growth of the acknowledged offset,
        // for GROWTHS growths: the transfer sends more DATA frames than the bound allows without
        // growth, but never that many between two growths (with the frames in flight: at most
        // the largest window in the least frames, an eighth of the bound). web/test/progress.test.js
        // runs the page against the same device.
        final int broken = 9;
        final int growths = 420;
        long bound = HostSession.MAX_FRAMES_WITHOUT_PROGRESS;
        assertTrue(UartChannel.MAX_WINDOW_BYTES / FrameSizer.MIN_PAYLOAD < bound);
        assertTrue(growths * (broken + 1) > bound);
        int[] seen = {0, 0}; // growths, frames broken since the last growth
        ScriptedDevice d = new ScriptedDevice(true, (got, dev) -> {
            if (got.type() != FrameType.DATA || seen[0] >= growths) {
                return dev.honest(got);
            }
            if (seen[1] < broken) {
                seen[1]++;
                return ScriptedDevice.nak(dev.expected, UartDevice.NAK_CORRUPT);
            }
            long before = dev.expected;
            Frame answer = dev.honest(got);
            if (dev.expected > before) {
                seen[0]++;
                seen[1] = 0;
            }
            return answer;
        });
        HostSession.Result r = send(d, UartChannel.MAX_RECONNECTS);
        assertEquals(growths, seen[0]);
        assertTrue(d.dataFrames > bound, d.dataFrames + " DATA frames, bound " + bound);
        assertEquals(0, r.reconnects());
        assertEquals(1, d.begins);
        assertEquals(1, d.dones);
    }

    /**
     * A NAK 3 at or above the acknowledged offset takes back nothing the host counted as
     * acknowledged (docs/PROTOCOL.md, "Restart"): it is taken as any NAK, no restart counted. The
     * web page's progress.test.js feeds the same answers and expects the same counts.
     */
    @Test
    void aNak3AtTheAcknowledgedOffsetForEveryFrameIsNoRestartAndTheFrameBoundEndsIt() {
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            ScriptedDevice d = new ScriptedDevice(selectiveRepeat, (got, dev) -> got.type() == FrameType.DATA
                    ? ScriptedDevice.nak(dev.expected, UartDevice.NAK_RESTARTED) : dev.honest(got));
            // Fewer setbacks allowed than frames: counted as restarts, the fourth would end it first.
            IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200),
                    (acked, total, resumedAt) -> { }, 3, 8).send(PATCH));
            assertEquals("the device on scripted made no progress in 8 data frames: nothing acknowledged past offset 0",
                    e.getMessage());
            assertEquals(8, d.dataFrames);
            assertEquals(1, d.begins);
        }
    }

    /** As above: a NAK 3 past the acknowledged offset acknowledges what it says, no restart. */
    @Test
    void aNak3AboveTheAcknowledgedOffsetIsNoRestart() throws Exception {
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            // The first frame is applied but its ACK lost; the second is applied and answered
            // with NAK 3 at the offset after it.
            ScriptedDevice d = new ScriptedDevice(selectiveRepeat, (got, dev) -> {
                if (got.type() != FrameType.DATA || dev.dataFrames > 2) {
                    return dev.honest(got);
                }
                dev.honest(got);
                return dev.dataFrames == 1 ? null : ScriptedDevice.nak(dev.expected, UartDevice.NAK_RESTARTED);
            });
            HostSession.Result r = send(d, UartChannel.MAX_RECONNECTS);
            assertEquals(0, r.restarts());
            assertEquals(0, r.reconnects());
            assertEquals(1, d.dones);
        }
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
