// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * {@link UartChannel}'s go-back-N against a device that answers each frame before the host writes
 * the next (docs/PROTOCOL.md, "Duplicates and order"): the scenarios of the web page's
 * web/test/gobackn.test.js. A broken frame draws NAK 2, which also makes the host's frames
 * smaller ({@link FrameSizer}), so its bytes may come back in more frames than one; a frame cut
 * by a pause draws NAK 4, which leaves the frame size alone: then the counts are the page's, whose
 * frames have one size. A scripted device over an in-memory line; counts of frames, bytes and
 * timeouts are asserted, never times.
 */
class GoBackNTest {
    private static final byte[] PATCH = ScriptedDevice.patch(40 * 1024);
    private static final int[] REASONS = {UartDevice.NAK_CORRUPT, UartDevice.NAK_CUT};

    /** What the device saw: the frames it NAKed, and those that carried bytes it had been sent before. */
    private static final class Seen {
        final List<long[]> broken = new ArrayList<>();
        final List<long[]> resent = new ArrayList<>();
        long resentBytes;
        long allBytes;
        int once;

        /** Whether every frame sent again starts inside a broken frame: nothing after it went again. */
        boolean onlyBrokenBytesResent() {
            return resent.stream().allMatch(r -> broken.stream().anyMatch(b -> r[0] >= b[0] && r[0] < b[1]));
        }

        String ranges(List<long[]> frames) {
            StringBuilder s = new StringBuilder();
            frames.forEach(f -> s.append(' ').append(f[0]).append("..").append(f[1]));
            return s.toString();
        }
    }

    /**
     * A go-back-N device in lockstep whose DATA frames that {@code broken} picks (by their number
     * from 1, as the device gets them) draw NAK {@code reason} at the offset it expects.
     */
    private static ScriptedDevice breaking(IntPredicate broken, int reason, Seen seen) {
        long[] highest = {0};
        return new ScriptedDevice(false, (got, dev) -> {
            if (got.type() != FrameType.DATA) {
                return dev.honest(got);
            }
            long[] range = {dev.offsetOf(got), dev.endOf(got)};
            seen.allBytes += range[1] - range[0];
            if (range[0] < highest[0]) {
                seen.resent.add(range);
                seen.resentBytes += range[1] - range[0];
            } else {
                seen.once++;
            }
            highest[0] = Math.max(highest[0], range[1]);
            if (broken.test(dev.dataFrames)) {
                seen.broken.add(range);
                return ScriptedDevice.nak(dev.expected, reason);
            }
            return dev.honest(got);
        }).inLockstep();
    }

    private static UartChannel.Counters send(ScriptedDevice d) throws IOException {
        try (UartChannel channel = new UartChannel(d, 115_200, 2000, false)) {
            HostSession.Result r = new HostSession(channel, (acked, total, resumedAt) -> { },
                    UartChannel.MAX_RECONNECTS).send(PATCH);
            assertEquals(0, r.reconnects());
            assertEquals(1, d.dones);
            return channel.counters();
        }
    }

    private static String counts(int reason, ScriptedDevice d, Seen seen, UartChannel.Counters c) {
        return "NAK " + reason + ": " + d.dataFrames + " DATA frames, broken" + seen.ranges(seen.broken)
                + "; the host sent again " + c.retransmittedFrames() + " frames, " + c.retransmittedBytes()
                + " bytes (the device got again" + seen.ranges(seen.resent) + "); " + c.timeouts() + " timeouts, "
                + c.naks() + " NAKs, " + c.goBacks() + " go-backs";
    }

    /** What both scenarios expect of any NAK: each sends the host back at once, and only the broken bytes go again. */
    private static void assertOnlyBrokenFramesSentAgain(int reason, ScriptedDevice d, Seen seen, UartChannel.Counters c) {
        String counts = counts(reason, d, seen, c);
        assertEquals(0, c.timeouts(), counts);
        assertEquals(seen.broken.size(), c.naks(), counts);
        assertEquals(seen.broken.size(), c.goBacks(), counts);
        assertTrue(seen.onlyBrokenBytesResent(), counts);
        assertEquals(seen.resentBytes, c.retransmittedBytes(), counts);
        assertEquals(seen.resent.size(), c.retransmittedFrames(), counts);
        assertEquals(c.dataFrames(), d.dataFrames, counts);
        if (reason == UartDevice.NAK_CUT) {
            // The frame size unchanged: each broken frame is sent again whole, once, as on the page.
            assertEquals(PATCH.length + c.retransmittedBytes(), seen.allBytes, counts);
            assertEquals(seen.broken.size(), c.retransmittedFrames(), counts);
            assertEquals(seen.broken.stream().mapToLong(b -> b[1] - b[0]).sum(), c.retransmittedBytes(), counts);
            assertEquals(seen.once + seen.broken.size(), d.dataFrames, counts);
        }
    }

    @Test
    void withEverySeventhFrameBrokenOnlyTheBrokenFramesAreSentAgain() throws Exception {
        for (int reason : REASONS) {
            Seen seen = new Seen();
            ScriptedDevice d = breaking(n -> n % 7 == 0, reason, seen);
            UartChannel.Counters c = send(d);
            assertTrue(seen.broken.size() >= 5, counts(reason, d, seen, c));
            assertOnlyBrokenFramesSentAgain(reason, d, seen, c);
        }
    }

    @Test
    void aFrameSentAgainAndBrokenAgainIsSentAThirdTimeAtOnceWithNoTimeout() throws Exception {
        // The 5th DATA frame and the 6th (the 5th sent again) break: each draws a NAK at once. The
        // second answers a frame written after the go-back, so it is no stale answer: the host
        // goes back again at once, not after a retransmission timeout.
        for (int reason : REASONS) {
            Seen seen = new Seen();
            ScriptedDevice d = breaking(n -> n == 5 || n == 6, reason, seen);
            UartChannel.Counters c = send(d);
            String counts = counts(reason, d, seen, c);
            assertEquals(2, seen.broken.size(), counts);
            assertEquals(seen.broken.get(0)[0], seen.broken.get(1)[0], counts);
            assertEquals(seen.broken.get(0)[0], seen.resent.get(0)[0], counts);
            assertEquals(seen.broken.get(0)[0], seen.resent.get(1)[0], counts);
            assertOnlyBrokenFramesSentAgain(reason, d, seen, c);
        }
    }
}
