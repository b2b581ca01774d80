// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.device.UpdateAgent;
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
import picocli.CommandLine;

/**
 * A device that runs {@code fwdelta device poll} (each run a new process's worth of state: a new
 * OtaDevice and PersistentDevice over the same flash and state files) against a real update server
 * on the tests' PostgreSQL, through a {@link StallingRelay}. It runs {@code image} as version 2;
 * versions 2 (v1) and 3 (v2) are published, so it is offered version 3: a patch from v1, or the
 * full image when {@code image} is not v1.
 */
final class RelayedDevice {
    /** A closed connection as {@code device poll} words it; group 1 and 2: the byte and the size of a cut body. */
    static final Pattern CLOSED = Pattern.compile("was closed (?:before a complete answer came|at byte ([0-9]+)"
            + " of ([0-9]+)) \\((EOF reached while reading|Connection reset|Broken pipe|.*closed.*)\\)");

    interface Body {
        void run(RelayedDevice d, StallingRelay relay) throws Exception;
    }

    final Fleet fleet;
    final Path dir;
    final byte[] running;
    final URI server;
    final Path secret;
    final Path image;
    final Path flash;
    /** What the server offers this device (asked directly, not through the relay). */
    final CheckinAnswer offer;

    private RelayedDevice(Fleet fleet, Path dir, byte[] running, URI server, Path secret, CheckinAnswer offer)
            throws Exception {
        this.fleet = fleet;
        this.dir = dir;
        this.running = running;
        this.server = server;
        this.secret = secret;
        this.image = Files.write(dir.resolve("dev.bin"), running);
        this.flash = dir.resolve("dev.flash");
        this.offer = offer;
    }

    /** Runs {@code body} with a device running {@code running} (null: v1; else an image the server does not know). */
    static void with(Path dir, Fleet fleet, byte[] running, Body body) throws Exception {
        if (running == null) {
            running = fleet.v1;
        }
        try (Postgres pg = new Postgres();
             OtaServer server = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             StallingRelay relay = new StallingRelay(server.port())) {
            URI direct = Fleet.uri(server);
            AdminClient admin = new AdminClient(direct, Fleet.TOKEN);
            Publisher p = new Publisher(admin, line -> { });
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
            p.publish(fleet.v2, Fleet.options(3), fleet.key, "all");
            String secret = admin.addDevice("dev", "default");
            CheckinAnswer offer = CheckinAnswer.parse(Fleet.checkin(direct, "dev", secret,
                    OtaDevice.Installed.of(2, running).sha256()), 1 << 20);
            body.run(new RelayedDevice(fleet, dir, running, relay.uri(),
                    Files.writeString(dir.resolve("dev.secret"), secret), offer), relay);
            assertTrue(relay.stalled > 0, "the relay cut no request: " + relay.forwarded());
        }
    }

    Fleet.Run poll() {
        return poll(ServerMain.commandLine());
    }

    /** A run on {@code cl} (one with shorter limits). */
    Fleet.Run poll(CommandLine cl) {
        return Fleet.cli(cl, "device", "poll", "--server", server.toString(), "--id", "dev", "--secret-file",
                secret.toString(), "--layout", "stm32l4-512k", "--image", image.toString(), "--flash-file",
                flash.toString(), "--hardware-id", Long.toString(Fleet.HW), "--installed-version", "2");
    }

    /** The offered artifact's file in the server's store. */
    Path artifactFile() {
        return dir.resolve("store").resolve(offer.sha256().substring(0, 2)).resolve(offer.sha256());
    }

    /** The offered patch's header_size: where an uninterrupted download's payload begins. */
    int headerSize() throws Exception {
        return PatchHeader.sizeFromPrefix(Files.readAllBytes(artifactFile()));
    }

    /** A run whose payload request the relay cuts after {@code bytes} bytes of its answer (head included). */
    Fleet.Run pollCutAfter(StallingRelay relay, int bytes) {
        relay.stallOn = "GET /d/artifacts/";
        relay.passFirst = 1; // the header's request
        relay.how = StallingRelay.Stall.CUT_ANSWER;
        relay.answerBytesBeforeCut = bytes;
        return poll();
    }

    /** The one error line of a run: exit {@code exit}, nothing that blames reaching the server. */
    String oneErrorLine(Fleet.Run r, int exit) {
        assertEquals(exit, r.exit(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(!lines.get(0).contains("cannot reach") && !lines.get(0).contains("header parser"), lines.get(0));
        return lines.get(0);
    }

    /** The byte a cut body's error line names, checked against the offer's size. */
    long cutAt(String line) {
        Matcher m = CLOSED.matcher(line);
        assertTrue(m.find() && m.group(1) != null, line);
        assertEquals(offer.size(), Long.parseLong(m.group(2)), line);
        return Long.parseLong(m.group(1));
    }

    /**
     * Still on its image as version 2, after a power-on too, nothing staged for the bootloader; the
     * update pending (recorded as offered) exactly when {@code pending}. Returns the agent's resume offset.
     */
    long assertNothingStaged(boolean pending) throws Exception {
        DeviceState state = DeviceState.load(DevicePollCommand.stateFile(flash));
        assertEquals(DeviceState.Image.of(2, running), state.installed());
        if (pending) {
            assertEquals(3, state.pending().version());
        } else {
            assertNull(state.pending());
        }
        assertArrayEquals(running, Files.readAllBytes(image));
        try (NorFlash f = NorFlash.file(Fleet.LAYOUT.geometry(), flash)) {
            UpdateAgent agent = new UpdateAgent(Fleet.LAYOUT, f, DevicePollCommand.policy(16384, null, 2, Fleet.HW));
            assertTrue(agent.state() != UpdateAgent.State.STAGED, agent.state().toString());
            OtaDevice ota = new OtaDevice(server, "dev", "-", Fleet.HW, Fleet.LAYOUT, f,
                    DevicePollCommand.policy(16384, null, 2, Fleet.HW));
            ota.powerOn();
            assertArrayEquals(running, ota.activeImage(running.length), "the bootloader keeps the running image");
            return agent.state() == UpdateAgent.State.RECEIVING ? agent.resumeOffset() : 0;
        }
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
