// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HostSession} counts every restart a channel reads, each once, and names the offset the
 * device restarted from. A UART channel reads every answer that has arrived before it returns
 * from a send, so in one burst the acknowledged offset can rise past a restart's checkpoint and
 * fall to it at the NAK 3, ending above where the last send left it: the offsets the sends return
 * never fall, and only the channel saw the restart (HostSessionLimitsTest's restarting device lost
 * one restart of 30 this way, once in CI). The devices here deliver such bursts in lockstep, so
 * every count is the same on every run.
 */
class HostSessionRestartCountTest {
    private static final byte[] PATCH = ScriptedDevice.patch(16 * 1024);
    /** The first restart is in plain sight, at the first frame past this offset: back to 0. */
    private static final long VISIBLE_RESTART_PAST = 8192;

    /**
     * A device that restarts once in plain sight (NAK 3 to 0), then hides its next {@code hidden}
     * restarts in bursts: it withholds the answer to a frame F, and answers the frame after F with
     * F's ACK and then NAK 3 to the middle of F. The host reads both in the send that wrote the
     * second frame: its offset rises to F's end, falls to the checkpoint, and ends above F's start,
     * where the last send left it. {@code checkpoints} gets each restart's offset.
     */
    private static ScriptedDevice hidingRestarts(boolean selectiveRepeat, int hidden, List<Long> checkpoints) {
        long[] withheldAt = {-1};
        return new ScriptedDevice(selectiveRepeat, (got, dev) -> {
            if (got.type() != FrameType.DATA || dev.offsetOf(got) != dev.expected || checkpoints.size() > hidden) {
                return dev.honest(got);
            }
            if (checkpoints.isEmpty()) {
                if (dev.endOf(got) <= VISIBLE_RESTART_PAST) {
                    return dev.honest(got);
                }
                checkpoints.add(0L);
                dev.expected = 0;
                return ScriptedDevice.nak(0, UartDevice.NAK_RESTARTED);
            }
            if (withheldAt[0] < 0) {
                withheldAt[0] = dev.offsetOf(got);
                dev.honest(got); // applied; its ACK comes with the next frame's answer
                return null;
            }
            dev.answerFirst(ScriptedDevice.offset(FrameType.ACK, dev.expected));
            long checkpoint = withheldAt[0] + (dev.expected - withheldAt[0]) / 2;
            withheldAt[0] = -1;
            checkpoints.add(checkpoint);
            dev.expected = checkpoint;
            return ScriptedDevice.nak(checkpoint, UartDevice.NAK_RESTARTED);
        }).inLockstep();
    }

    /**
     * A channel that answers each send from a script, {returned offset, checkpoints of the
     * restarts it read...}: it tells of those restarts (unless {@code tells} is false, as DFU)
     * and returns the offset, which can be above the last checkpoint (the burst went on).
     */
    private static final class ScriptedChannel implements HostSession.Channel {
        private final long[][] sends;
        private final boolean tells;
        private HostSession.RestartListener listener = checkpoint -> { };
        private int sent;

        ScriptedChannel(boolean tells, long[]... sends) {
            this.tells = tells;
            this.sends = sends;
        }

        @Override
        public long begin(long patchLength, byte[] header) {
            return 0;
        }

        @Override
        public long send(byte[] patch, long acked) throws IOException {
            long[] burst = sends[sent++];
            for (int i = 1; i < burst.length && tells; i++) {
                listener.restarted(burst[i]);
            }
            return burst[0];
        }

        @Override
        public long done(long patchLength) {
            return patchLength;
        }

        @Override
        public String deviceMessage() {
            return "ok";
        }

        @Override
        public long dataFrames() {
            return sent;
        }

        @Override
        public String device() {
            return "the scripted channel";
        }

        @Override
        public void tellRestartsTo(HostSession.RestartListener restarts) {
            listener = restarts;
        }
    }

    /**
     * After 8192: a restart to 1000 whose send returns 1500 (lower too: one restart), then
     * restarts each above where the last send left the offset, each send ending past its checkpoint.
     */
    private static ScriptedChannel risingBursts() {
        return new ScriptedChannel(true, new long[] {8192}, new long[] {1500, 1000}, new long[] {2500, 2000},
                new long[] {3500, 3000}, new long[] {4500, 4000}, new long[] {PATCH.length});
    }

    @Test
    void aToldRestartIsCountedOnceAndShownFromItsCheckpointNotTheOffsetTheSendReturned() throws IOException {
        List<long[]> shown = new ArrayList<>();
        HostSession.Result r = new HostSession(risingBursts(),
                (acked, total, resumedAt) -> shown.add(new long[] {acked, resumedAt}), UartChannel.MAX_RECONNECTS)
                .send(PATCH);
        assertEquals(4, r.restarts());
        List<String> progress = shown.stream().map(p -> p[0] + " from " + p[1]).toList();
        assertEquals(List.of("0 from 0", "8192 from 0", "1500 from 1000", "2500 from 2000", "3500 from 3000",
                "4500 from 4000", PATCH.length + " from 4000"), progress);
    }

    @Test
    void theGiveUpNamesTheCheckpointOfTheRestartPastTheLimitNotTheOffsetTheSendReturned() {
        IOException e = assertThrows(IOException.class, () -> new HostSession(risingBursts(),
                (acked, total, resumedAt) -> { }, 3).send(PATCH));
        assertEquals("the scripted channel restarted the update at offset 4000 (gave up after 3 restarts)",
                e.getMessage());
    }

    @Test
    void severalRestartsInOneSendCountEachAndTheOnePastTheLimitIsNamed() throws IOException {
        long[][] sends = {{8192}, {5000, 2000, 1000, 3000}, {PATCH.length}};
        assertEquals(3, new HostSession(new ScriptedChannel(true, sends), (acked, total, resumedAt) -> { },
                UartChannel.MAX_RECONNECTS).send(PATCH).restarts());
        IOException e = assertThrows(IOException.class, () -> new HostSession(new ScriptedChannel(true, sends),
                (acked, total, resumedAt) -> { }, 1).send(PATCH));
        assertEquals("the scripted channel restarted the update at offset 1000 (gave up after 1 restarts)",
                e.getMessage());
    }

    @Test
    void aChannelThatTellsNothingShowsARestartAsALowerOffsetCountedOnce() throws IOException {
        // DFU's way: one block a send, the offset returned falls at the restart.
        List<Long> resumedFrom = new ArrayList<>();
        HostSession.Result r = new HostSession(new ScriptedChannel(false, new long[] {8192}, new long[] {6144, 6144},
                new long[] {12288}, new long[] {PATCH.length}), (acked, total, resumedAt) -> resumedFrom.add(resumedAt),
                UartChannel.MAX_RECONNECTS).send(PATCH);
        assertEquals(1, r.restarts());
        assertEquals(List.of(0L, 0L, 6144L, 6144L, 6144L), resumedFrom);
    }

    @Test
    void everyRestartABurstHidFromTheOffsetIsCountedAndShownFromItsCheckpoint() throws IOException {
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            List<Long> checkpoints = new ArrayList<>();
            ScriptedDevice d = hidingRestarts(selectiveRepeat, 6, checkpoints);
            // Where the progress shows the session resumed each time it did: its offset fell, or
            // it resumed from elsewhere.
            List<Long> resumedFrom = new ArrayList<>();
            long[] last = {-1, 0}; // acknowledged, resumed at
            HostSession.Result r = new HostSession(new UartChannel(d, 115_200, 200), (acked, total, resumedAt) -> {
                if (last[0] >= 0 && (acked < last[0] || resumedAt != last[1])) {
                    resumedFrom.add(resumedAt);
                }
                assertTrue(acked >= resumedAt, acked + " acknowledged, resumed at " + resumedAt);
                last[0] = acked;
                last[1] = resumedAt;
            }, UartChannel.MAX_RECONNECTS).send(PATCH);
            assertEquals(7, checkpoints.size());
            assertEquals(7, r.restarts(), "restarts counted of " + checkpoints);
            assertEquals(0, r.reconnects());
            assertEquals(1, d.dones);
            assertEquals(PATCH.length, last[0]);
            assertEquals(checkpoints, resumedFrom);
        }
    }

    @Test
    void theRestartPastTheLimitIsNamedByTheOffsetTheDeviceRestartedFrom() {
        for (boolean selectiveRepeat : new boolean[] {false, true}) {
            List<Long> checkpoints = new ArrayList<>();
            ScriptedDevice d = hidingRestarts(selectiveRepeat, 6, checkpoints);
            IOException e = assertThrows(IOException.class, () -> new HostSession(new UartChannel(d, 115_200, 200),
                    (acked, total, resumedAt) -> { }, 3).send(PATCH));
            // The visible restart and two hidden ones are allowed; the third hidden one ends it.
            assertEquals(4, checkpoints.size(), "restarts " + checkpoints);
            assertTrue(checkpoints.get(3) > checkpoints.get(2), "checkpoints " + checkpoints);
            assertEquals("the device on scripted restarted the update at offset " + checkpoints.get(3)
                    + " (gave up after 3 restarts)", e.getMessage());
            assertEquals(0, d.dones);
        }
    }
}
