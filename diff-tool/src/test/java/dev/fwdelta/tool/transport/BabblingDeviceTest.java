// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A device that keeps sending frames but no answer to DATA (docs/PROTOCOL.md, "Reconnects"): a
 * stale INFO for every DATA frame. Frames that answer no DATA frame do not put off the lost link,
 * so the host begins again after the answer timeout and gives up after its reconnects, saying what
 * the device sent instead, long before its bound of data frames. Counts are asserted, never times.
 */
class BabblingDeviceTest {
    private static final byte[] PATCH = ScriptedDevice.patch(16 * 1024);
    /** Far more data frames than the host writes in three sessions of a 200 ms answer timeout. */
    private static final long FRAME_BOUND = 400;
    /** The least silence at DONE in these tests: a few DONE frames' waits, far below the attempt bound's. */
    private static final long DONE_PATIENCE_MS = 1000;

    /** Honest to HELLO and BEGIN; every DATA frame draws a stale INFO and nothing else. */
    private static ScriptedDevice infoForEveryDataFrame(boolean selectiveRepeat) {
        return new ScriptedDevice(selectiveRepeat, (got, dev) -> got.type() == FrameType.DATA
                ? dev.honest(new Frame(FrameType.HELLO, 0, new byte[] {1, 1})) : dev.honest(got)).inLockstep();
    }

    @Test
    void staleInfoForEveryDataFrameUnderSelectiveRepeatIsALostLink() {
        ScriptedDevice d = infoForEveryDataFrame(true);
        IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                (acked, total, resumedAt) -> { }, 2, FRAME_BOUND).send(PATCH));
        // How many INFO frames the last session drew depends on how many probes fit in its timeout.
        assertTrue(e.getMessage().matches("the device on scripted stopped answering DATA frames, sending \\d+ INFO"
                + " frames instead \\(gave up after 2 reconnects\\)"), e.getMessage());
        assertEquals(3, d.begins, "the first session and two reconnects");
        assertTrue(d.dataFrames < FRAME_BOUND, d.dataFrames + " DATA frames");
    }

    /**
     * Go-back-N waits a retransmission timeout before it sends again, longer than the answer
     * timeout, so only a device that babbles between the host's frames keeps the link from being
     * lost: a stale INFO every 20 ms, from a thread, at most {@code BABBLE_FRAMES} of them, and
     * nothing in answer to DATA. The host must end while the device still babbles.
     */
    @Test
    void staleInfoEvery20MsUnderGoBackNIsALostLink() throws Exception {
        final int babbleFrames = 3000;
        // In lockstep: READY is read before BEGIN's write returns, so a reader held up on a busy
        // machine sends no BEGIN again.
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) -> got.type() == FrameType.DATA ? null : dev.honest(got))
                .inLockstep();
        Frame info = d.honest(new Frame(FrameType.HELLO, 0, new byte[] {1}));
        int[] babbled = {0};
        Thread babbler = new Thread(() -> {
            try {
                while (babbled[0] < babbleFrames) {
                    Thread.sleep(20);
                    d.answerFirst(info);
                    babbled[0]++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        babbler.setDaemon(true);
        babbler.start();
        try {
            IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                    (acked, total, resumedAt) -> { }, 1, FRAME_BOUND).send(PATCH));
            // The INFO frames are named when the babbler ran within the last answer timeout, which a
            // busy machine may not let it do: the wording is pinned by the test above.
            assertTrue(e.getMessage().matches("the device on scripted stopped answering( DATA frames, sending \\d+ INFO"
                    + " frames instead)? \\(gave up after 1 reconnects\\)"), e.getMessage());
            assertTrue(babbled[0] < babbleFrames, "ended only when the device stopped babbling");
            assertEquals(2, d.begins, "the first session and one reconnect");
            assertTrue(d.dataFrames < FRAME_BOUND, d.dataFrames + " DATA frames");
        } finally {
            babbler.interrupt();
        }
    }

    /**
     * At DONE only an answer to DONE (RESULT, or a NAK of it) is progress: a device that answers
     * no DONE but sends a stale ACK at the patch length every 20 ms (from a thread, at most
     * {@code babbleFrames}) is given up on as a silent one is, after the same least silence, with
     * the phase, the DONE frames sent and what came instead named. The ACKs used to put the silence
     * off, and the host sent DONE until its attempt bound. The least silence is shortened so that
     * the test takes seconds; counts are asserted, never times.
     */
    @Test
    void staleAcksAtDoneAreGivenUpOnAsASilentDevice() throws Exception {
        final int babbleFrames = 3000;
        int[] babbled = {0};
        ScriptedDevice[] device = {null};
        Thread babbler = new Thread(() -> {
            try {
                while (babbled[0] < babbleFrames) {
                    Thread.sleep(20);
                    device[0].answerFirst(ScriptedDevice.offset(FrameType.ACK, PATCH.length));
                    babbled[0]++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        babbler.setDaemon(true);
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) -> {
            if (got.type() != FrameType.DONE) {
                return dev.honest(got);
            }
            if (dev.dones == 1) {
                babbler.start(); // from the first DONE on
            }
            return null;
        }).inLockstep();
        device[0] = d;
        try {
            IOException e = assertThrows(IOException.class, () -> new HostSession(
                    new UartChannel(d, 115_200, 200).minDonePatience(DONE_PATIENCE_MS), (acked, total, resumedAt) -> { },
                    0, FRAME_BOUND).send(PATCH));
            assertTrue(e.getMessage().matches("the device on scripted stopped answering DONE frames \\(" + d.dones
                    + " sent in this done phase\\), sending \\d+ ACK frames instead \\(gave up after 0 reconnects\\)"),
                    e.getMessage());
            assertTrue(d.dones < UartChannel.MAX_DONE_ATTEMPTS, d.dones + " DONE frames: the ACKs put the give-up off");
            assertTrue(babbled[0] < babbleFrames, "ended only when the device stopped babbling");
            assertEquals(1, d.begins);
        } finally {
            babbler.interrupt();
        }
    }

    /** The words for a device silent at DONE: the phase and the DONE frames sent. */
    @Test
    void aDeviceSilentAtDoneIsNamedWithTheDoneFramesSent() {
        ScriptedDevice d = new ScriptedDevice(false, (got, dev) -> got.type() == FrameType.DONE ? null : dev.honest(got))
                .inLockstep();
        IOException e = assertThrows(IOException.class, () -> new HostSession(
                new UartChannel(d, 115_200, 200).minDonePatience(DONE_PATIENCE_MS), (acked, total, resumedAt) -> { },
                0, FRAME_BOUND).send(PATCH));
        assertEquals("the device on scripted stopped answering DONE frames (" + d.dones + " sent in this done phase)"
                + " (gave up after 0 reconnects)", e.getMessage());
        assertTrue(d.dones > 1 && d.dones < UartChannel.MAX_DONE_ATTEMPTS, d.dones + " DONE frames");
    }
}
