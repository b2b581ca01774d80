// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.DeviceState;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern CLOSED = Pattern.compile("was closed (?:before a complete answer came|at byte ([0-9]+)"
            + " of ([0-9]+)) \\((EOF reached while reading|Connection reset|Broken pipe|.*closed.*)\\)");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckinClosedBeforeItsAnswerSaysSo() throws Exception {
        withDevice((d, relay) -> closedBeforeItsAnswer(d, relay, "POST /d/checkin", 1,
                "fwdelta: error: check-in: the connection to " + relay.uri().resolve("/d/checkin")));
    }

    /** Java's client sends a GET whose connection closed before its answer once more: both are closed. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHeaderDownloadClosedBeforeItsAnswerNamesTheDownloadAndByte0() throws Exception {
        withDevice((d, relay) -> closedBeforeItsAnswer(d, relay, "GET /d/artifacts/", 2, "fwdelta: error: download of "
                + d.offer.url() + " from byte 0: the connection to " + relay.uri().resolve(d.offer.url())));
    }

    /**
     * A run whose request starting {@code on} the relay closes {@code closes} times when its answer
     * comes: one line starting {@code expected}, nothing staged, and the next run installs downloading
     * the header and the payload once.
     */
    private static void closedBeforeItsAnswer(Device d, StallingRelay relay, String on, int closes, String expected)
            throws Exception {
        relay.stallOn = on;
        relay.how = StallingRelay.Stall.CLOSE_INSTEAD_OF_ANSWER;
        relay.stallTimes = closes;
        String line = d.oneErrorLine(d.poll());
        assertEquals(closes, relay.stalled, relay.forwarded().toString());
        assertTrue(line.startsWith(expected + " was closed before a complete answer came ("), line);
        d.assertNothingStaged(false);
        d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - d.headerSize());
    }

    /** The payload request (after the header's) answered with its head and part of its body, then closed. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPayloadDownloadCutMidwayNamesTheByteAndResumes() throws Exception {
        withDevice((d, relay) -> {
            relay.stallOn = "GET /d/artifacts/";
            relay.passFirst = 1;
            relay.how = StallingRelay.Stall.CUT_ANSWER;
            relay.answerBytesBeforeCut = (int) (d.offer.size() / 2);
            Fleet.Run r = d.poll();
            String line = d.oneErrorLine(r);
            assertTrue(line.startsWith("fwdelta: error: download of " + d.offer.url() + ": the connection to "
                    + relay.uri().resolve(d.offer.url()) + " was closed at byte "), line);
            Matcher m = CLOSED.matcher(line);
            assertTrue(m.find(), line);
            long at = Long.parseLong(m.group(1));
            assertEquals(d.offer.size(), Long.parseLong(m.group(2)), line);
            // The head (some 200 bytes) and the payload from the header's end up to the cut.
            assertTrue(at > Limits.HEADER_SIZE && at < d.offer.size() / 2 + Limits.HEADER_SIZE, line);
            long resume = d.assertNothingStaged(true);
            assertTrue(resume > 0 && resume <= at, "resume offset " + resume + ", cut at " + at);
            // The next run fetches the header again (its first 256 bytes) and the rest from the agent's resume point on.
            d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - resume);
        });
    }

    private interface Body {
        void run(Device d, StallingRelay relay) throws Exception;
    }

    private void withDevice(Body body) throws Exception {
        Fleet fleet = new Fleet(dir);
        try (Postgres pg = new Postgres();
             OtaServer server = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             StallingRelay relay = new StallingRelay(server.port())) {
            URI direct = Fleet.uri(server);
            AdminClient admin = new AdminClient(direct, Fleet.TOKEN);
            Publisher p = new Publisher(admin, line -> { });
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
            p.publish(fleet.v2, Fleet.options(3), fleet.key, "all");
            String secret = admin.addDevice("dev", "default");
            Device d = new Device(fleet, relay.uri(), Files.writeString(dir.resolve("dev.secret"), secret));
            d.offer = CheckinAnswer.parse(Fleet.checkin(direct, "dev", secret, OtaDevice.Installed.of(2, fleet.v1).sha256()),
                    1 << 20);
            body.run(d, relay);
            assertTrue(relay.stalled > 0, "the relay cut no request: " + relay.forwarded());
        }
    }

    /** A device running v1 as version 2, offered version 3 (v2) through the relay. */
    private final class Device {
        final Fleet fleet;
        final URI server;
        final Path secret;
        final Path image;
        final Path flash = dir.resolve("dev.flash");
        CheckinAnswer offer;

        Device(Fleet fleet, URI server, Path secret) throws Exception {
            this.fleet = fleet;
            this.server = server;
            this.secret = secret;
            this.image = Files.write(dir.resolve("dev.bin"), fleet.v1);
        }

        Fleet.Run poll() {
            return Fleet.cli("device", "poll", "--server", server.toString(), "--id", "dev", "--secret-file",
                    secret.toString(), "--layout", "stm32l4-512k", "--image", image.toString(), "--flash-file",
                    flash.toString(), "--hardware-id", Long.toString(Fleet.HW), "--installed-version", "2");
        }

        /** The one error line of a run that failed for the link: exit 5, not "cannot reach". */
        String oneErrorLine(Fleet.Run r) {
            assertEquals(5, r.exit(), r.out() + r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), r.err());
            assertTrue(!lines.get(0).contains("cannot reach") && !lines.get(0).contains("header parser"), lines.get(0));
            assertTrue(CLOSED.matcher(lines.get(0)).find(), lines.get(0));
            return lines.get(0);
        }

        /**
         * Still on v1 as version 2, after a power-on too, nothing staged for the bootloader; the
         * update pending (recorded as offered) exactly when {@code pending}. Returns the agent's resume offset.
         */
        long assertNothingStaged(boolean pending) throws Exception {
            DeviceState state = DeviceState.load(DevicePollCommand.stateFile(flash));
            assertEquals(DeviceState.Image.of(2, fleet.v1), state.installed());
            if (pending) {
                assertEquals(3, state.pending().version());
            } else {
                assertNull(state.pending());
            }
            assertArrayEquals(fleet.v1, Files.readAllBytes(image));
            try (NorFlash f = NorFlash.file(Fleet.LAYOUT.geometry(), flash)) {
                UpdateAgent agent = new UpdateAgent(Fleet.LAYOUT, f, DevicePollCommand.policy(16384, null, 2, Fleet.HW));
                assertTrue(agent.state() != UpdateAgent.State.STAGED, agent.state().toString());
                OtaDevice ota = new OtaDevice(server, "dev", "-", Fleet.HW, Fleet.LAYOUT, f,
                        DevicePollCommand.policy(16384, null, 2, Fleet.HW));
                ota.powerOn();
                assertArrayEquals(fleet.v1, ota.activeImage(fleet.v1.length), "the bootloader keeps v1");
                return agent.state() == UpdateAgent.State.RECEIVING ? agent.resumeOffset() : 0;
            }
        }

        /** The offered patch's header_size: where an uninterrupted download's payload begins. */
        int headerSize() throws Exception {
            Path file = dir.resolve("store").resolve(offer.sha256().substring(0, 2)).resolve(offer.sha256());
            return PatchHeader.sizeFromPrefix(Files.readAllBytes(file));
        }

        /** The next run installs version 3, downloading exactly {@code bytes} bytes. */
        void pollInstalls(long bytes) throws Exception {
            Fleet.Run r = poll();
            assertEquals(0, r.exit(), r.out() + r.err());
            Matcher m = Pattern.compile("installed version 3: ([0-9]+) bytes downloaded").matcher(r.out());
            assertTrue(m.find(), r.out());
            assertEquals(bytes, Long.parseLong(m.group(1)), r.out());
            assertArrayEquals(fleet.v2, Files.readAllBytes(image));
            assertEquals(DeviceState.Image.of(3, fleet.v2), DeviceState.load(DevicePollCommand.stateFile(flash)).installed());
        }
    }
}
