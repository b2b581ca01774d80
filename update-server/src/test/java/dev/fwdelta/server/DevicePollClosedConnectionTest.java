// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.server.device.ShortBodyLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta device poll} through a relay that closes the connection of one request: before
 * the check-in is answered, before the download of the patch header is answered, or in the middle
 * of the payload. Each run ends with exit 5 and one line saying that the connection was closed,
 * for which request and at which byte (not that the server cannot be reached: it was), leaves the
 * device on its image with nothing staged, and the next run through the same relay installs,
 * resuming what the cut run applied.
 */
class DevicePollClosedConnectionTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckinClosedBeforeItsAnswerSaysSo() throws Exception {
        RelayedDevice.with(dir, new Fleet(dir), null, (d, relay) -> closedBeforeItsAnswer(d, relay, "POST /d/checkin", 1,
                "fwdelta: error: check-in: the connection to " + relay.uri().resolve("/d/checkin")));
    }

    /** Java's client sends a GET whose connection closed before its answer once more: both are closed. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHeaderDownloadClosedBeforeItsAnswerNamesTheDownloadAndByte0() throws Exception {
        RelayedDevice.with(dir, new Fleet(dir), null, (d, relay) -> closedBeforeItsAnswer(d, relay, "GET /d/artifacts/", 2,
                "fwdelta: error: download of " + d.offer.url() + " from byte 0: the connection to "
                        + relay.uri().resolve(d.offer.url())));
    }

    /**
     * A run whose request starting {@code on} the relay closes {@code closes} times when its answer
     * comes: one line starting {@code expected}, nothing staged, and the next run installs downloading
     * the header and the payload once.
     */
    private static void closedBeforeItsAnswer(RelayedDevice d, StallingRelay relay, String on, int closes, String expected)
            throws Exception {
        relay.stallOn = on;
        relay.how = StallingRelay.Stall.CLOSE_INSTEAD_OF_ANSWER;
        relay.stallTimes = closes;
        String line = d.oneErrorLine(d.poll(), 5);
        assertEquals(closes, relay.stalled, relay.forwarded().toString());
        assertTrue(line.startsWith(expected + " was closed before a complete answer came ("), line);
        assertTrue(RelayedDevice.CLOSED.matcher(line).find(), line);
        d.assertNothingStaged(false);
        d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - d.headerSize());
    }

    /**
     * A check-in that reaches the server and whose answer never comes: the wait for its headers
     * (shortened to a second here) ends the run with a line saying so, not "cannot reach".
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckinNeverAnsweredEndsAtTheHeaderLimit() throws Exception {
        RelayedDevice.with(dir, new Fleet(dir), null, (d, relay) -> {
            relay.stallOn = "POST /d/checkin";
            relay.how = StallingRelay.Stall.NO_ANSWER;
            Duration second = Duration.ofSeconds(1);
            Fleet.Run r = d.poll(ShortBodyLimits.commandLine(second, Duration.ofSeconds(10), second));
            assertEquals(List.of("fwdelta: error: check-in: " + relay.uri().resolve("/d/checkin") + " took the connection"
                    + " but sent no complete answer headers within the limit of 1 s"), r.err().lines().toList());
            assertEquals(5, r.exit());
            d.assertNothingStaged(false);
        });
    }

    /** The payload request (after the header's) answered with its head and part of its body, then closed. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPayloadDownloadCutMidwayNamesTheByteAndResumes() throws Exception {
        RelayedDevice.with(dir, new Fleet(dir), null, (d, relay) -> {
            String line = d.oneErrorLine(d.pollCutAfter(relay, (int) (d.offer.size() / 2)), 5);
            assertTrue(line.startsWith("fwdelta: error: download of " + d.offer.url() + ": the connection to "
                    + relay.uri().resolve(d.offer.url()) + " was closed at byte "), line);
            long at = d.cutAt(line);
            // The head (some 200 bytes) and the payload from the header's end up to the cut.
            assertTrue(at > d.headerSize() && at < d.offer.size() / 2 + d.headerSize(), line);
            long resume = d.assertNothingStaged(true);
            assertTrue(resume > 0 && resume <= at, "resume offset " + resume + ", cut at " + at);
            // The next run fetches the header again (its first 256 bytes) and the rest from the agent's resume point on.
            d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - resume);
        });
    }
}
