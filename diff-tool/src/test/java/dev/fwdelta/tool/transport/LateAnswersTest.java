// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link UartChannel} under selective repeat against a device on a clean line whose answers are
 * late, as a device simulator starved of CPU on a loaded machine answers: late answers cost the
 * frames the host sends again on its timeouts, never the frame size. A scripted device over an
 * in-memory line, in lockstep; counts and frame sizes are asserted, never times.
 */
class LateAnswersTest {
    private static final byte[] PATCH = ScriptedDevice.patch(40 * 1024);
    /** A stall begins at every such DATA frame sent once, for the first {@link #STALLS}. */
    private static final int STALL_EVERY = 8;
    private static final int STALLS = 4;

    /**
     * What the device got: the patch bytes of each DATA frame, and its stalls. In a stall it reads
     * every frame and answers none of them, until the host sends a frame again (its timeout); then
     * it answers all it read, in order, the frame sent again last.
     */
    private static final class StallingDevice {
        final List<Integer> sizes = new ArrayList<>();
        final List<Frame> withheld = new ArrayList<>();
        long seenEnd;
        int sentOnce;
        int stalls;
        boolean stalled;

        Frame answer(Frame got, ScriptedDevice dev) {
            if (got.type() != FrameType.DATA) {
                return dev.honest(got);
            }
            sizes.add((int) (dev.endOf(got) - dev.offsetOf(got)));
            boolean again = dev.endOf(got) <= seenEnd;
            seenEnd = Math.max(seenEnd, dev.endOf(got));
            Frame a = dev.honest(got);
            if (!again && !stalled && stalls < STALLS && ++sentOnce % STALL_EVERY == 0) {
                stalled = true;
                stalls++;
            }
            if (stalled && !again) {
                withheld.add(a);
                return null;
            }
            if (stalled) {
                withheld.forEach(dev::answerFirst);
                withheld.clear();
                stalled = false;
            }
            return a;
        }
    }

    @Test
    void lateAnswersOnACleanLineLeaveTheFrameSizeAlone() throws IOException {
        StallingDevice stalling = new StallingDevice();
        ScriptedDevice d = new ScriptedDevice(true, stalling::answer).inLockstep();
        UartChannel.Counters c;
        try (UartChannel channel = new UartChannel(d, 115_200, 2000)) {
            HostSession.Result r = new HostSession(channel, (acked, total, resumedAt) -> { },
                    UartChannel.MAX_RECONNECTS).send(PATCH);
            assertEquals(0, r.reconnects());
            assertTrue(channel.selectiveRepeat());
            c = channel.counters();
        }
        String counts = d.dataFrames + " DATA frames of " + stalling.sizes + " bytes, " + stalling.stalls + " stalls, "
                + c.timeouts() + " timeouts, " + c.retransmittedFrames() + " sent again";
        assertEquals(STALLS, stalling.stalls, counts);
        assertEquals(1, d.dones, counts);
        // Each stall ends with the one frame the timeout sent again, whose answer comes with the
        // late ones: nothing else is sent again, and nothing counts against the line.
        assertEquals(STALLS, c.timeouts(), counts);
        assertEquals(STALLS, c.retransmittedFrames(), counts);
        int slowStart = 2; // 256 and 512 bytes, before the frames reach their largest
        for (int i = slowStart; i < stalling.sizes.size() - 1; i++) {
            assertEquals(1020, stalling.sizes.get(i), "frame " + i + ": " + counts);
        }
    }
}
