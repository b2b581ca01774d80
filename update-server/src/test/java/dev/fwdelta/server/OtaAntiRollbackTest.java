// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.DeviceState;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.device.PersistentDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check-in answer is not signed: a server (or whoever sits between) that lies about the version
 * of a signed patch must not move the device's anti-rollback floor. The device records the patch
 * header's firmware_version, refuses an answer that disagrees with it, and never installs a staged
 * patch other than the one offered.
 */
class OtaAntiRollbackTest {
    private static final Pattern RANGE = Pattern.compile("bytes=([0-9]+)-([0-9]+)");

    @TempDir
    Path dir;

    private Fleet fleet;
    /** Signed full image of v1 (version 2). */
    private byte[] fullV1;
    /** Signed patch v1 (version 2) -> v2 (version 3). */
    private byte[] patchV1V2;

    private HttpServer lying;
    private URI uri;
    private volatile String answer = "none";
    private volatile byte[] artifact = new byte[0];
    private volatile long offeredSize;

    @BeforeEach
    void start() throws Exception {
        fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI real = Fleet.uri(server);
            Publisher p = new Publisher(new AdminClient(real, Fleet.TOKEN), line -> { });
            p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
            byte[] unknown = fleet.v0.clone();
            unknown[5] ^= 1;
            Fleet.Device probe = fleet.new Device(real, "probe", "default", unknown, 1);
            fullV1 = probe.offeredBytes(real, 1, unknown);
            p.publish(fleet.v2, Fleet.options(3), fleet.key, "all");
            patchV1V2 = probe.offeredBytes(real, 2, fleet.v1);
        }
        assertTrue(fullV1.length > 4 * patchV1V2.length, fullV1.length + " vs " + patchV1V2.length);
        lying = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        lying.createContext("/", this::handle);
        lying.start();
        uri = URI.create("http://127.0.0.1:" + lying.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        lying.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; OutputStream out = ex.getResponseBody()) {
            ex.getRequestBody().readAllBytes();
            byte[] body;
            int status = 200;
            if (ex.getRequestURI().getPath().equals("/d/checkin")) {
                body = answer.getBytes(StandardCharsets.US_ASCII);
            } else if (ex.getRequestURI().getPath().equals("/d/report")) {
                body = "ok".getBytes(StandardCharsets.US_ASCII);
            } else {
                Matcher m = RANGE.matcher(ex.getRequestHeaders().getFirst("Range"));
                assertTrue(m.matches());
                int first = Integer.parseInt(m.group(1));
                int last = Math.min(Integer.parseInt(m.group(2)), artifact.length - 1);
                body = Arrays.copyOfRange(artifact, first, last + 1);
                status = 206;
                // A consistent liar: the range as served, of the size its answer offers.
                ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + offeredSize);
            }
            ex.sendResponseHeaders(status, body.length);
            out.write(body);
        }
    }

    /** The lying server offers {@code patch} as version {@code version}, {@code size} bytes long. */
    private void offer(long version, byte[] patch, long size) {
        artifact = patch;
        offeredSize = size;
        answer = "update " + version + " " + size + " "
                + HexFormat.of().formatHex(ImageChecksums.of(patch).sha256()) + " /p";
    }

    /** A run of {@code device poll}: a new process on the same flash, its policy from its state file. */
    private PersistentDevice.Result poll(NorFlash flash, Path file) throws Exception {
        long installed = DeviceState.load(DevicePollCommand.stateFile(file)).installed().version();
        OtaDevice ota = new OtaDevice(uri, "dev", "secret", Fleet.HW, Fleet.LAYOUT, flash,
                DevicePollCommand.policy(16 * 1024, fleet.trust, installed, Fleet.HW));
        return new PersistentDevice(ota, DevicePollCommand.stateFile(file)).poll();
    }

    /** A fresh device model (installed version 0, its default) still compares: version 0 is no update. */
    @Test
    void atVersionZeroAPatchOfVersionZeroIsARollback() throws Exception {
        Path file = dir.resolve("dev.flash");
        Path state = DevicePollCommand.stateFile(file);
        byte[] fullV0 = PatchSigner.sign(PatchBuilder.build(new byte[0], fleet.v1, Fleet.options(0)).patch(), fleet.key);
        try (NorFlash flash = NorFlash.file(Fleet.LAYOUT.geometry(), file)) {
            DeviceSimulator.provision(Fleet.LAYOUT, flash, fleet.v0);
            new DeviceState(DeviceState.Image.of(0, fleet.v0), null).save(state);
            offer(0, fullV0, fullV0.length);
            PatchException rollback = assertThrows(PatchException.class, () -> poll(flash, file));
            assertEquals(ErrorCode.ROLLBACK, rollback.code());
            assertEquals(DeviceState.Image.of(0, fleet.v0), DeviceState.load(state).installed());
            assertArrayEquals(fleet.v0, new OtaDevice(uri, "dev", "secret", Fleet.HW, Fleet.LAYOUT, flash, null)
                    .activeImage(fleet.v0.length), "still runs v0");
        }
    }

    @Test
    void anAnswerThatUnderstatesASignedPatchsVersionIsRefusedAndCannotOpenADowngrade() throws Exception {
        Path file = dir.resolve("dev.flash");
        Path state = DevicePollCommand.stateFile(file);
        try (NorFlash flash = NorFlash.file(Fleet.LAYOUT.geometry(), file)) {
            DeviceSimulator.provision(Fleet.LAYOUT, flash, fleet.v1);
            new DeviceState(DeviceState.Image.of(2, fleet.v1), null).save(state);

            // The signed v1 -> v2 patch (firmware_version 3) offered as "update 1".
            offer(1, patchV1V2, patchV1V2.length);
            IOException e = assertThrows(IOException.class, () -> poll(flash, file));
            assertTrue(e.getMessage().contains("version 1") && e.getMessage().contains("firmware_version is 3"),
                    e.getMessage());
            assertEquals(new DeviceState(DeviceState.Image.of(2, fleet.v1), null), DeviceState.load(state),
                    "nothing recorded");
            assertArrayEquals(fleet.v1, new OtaDevice(uri, "dev", "secret", Fleet.HW, Fleet.LAYOUT, flash, null)
                    .activeImage(fleet.v1.length), "still runs v1");

            // Offered honestly it installs, and version 3 (the header's) is what the device records.
            offer(3, patchV1V2, patchV1V2.length);
            PersistentDevice.Result r = poll(flash, file);
            assertEquals(OtaDevice.Outcome.INSTALLED, r.outcome());
            assertEquals(DeviceState.Image.of(3, fleet.v2), DeviceState.load(state).installed());

            // The old signed full image of version 2 is a rollback now.
            offer(2, fullV1, fullV1.length);
            PatchException rollback = assertThrows(PatchException.class, () -> poll(flash, file));
            assertEquals(ErrorCode.ROLLBACK, rollback.code());
            assertEquals(3, DeviceState.load(state).installed().version());
            assertArrayEquals(fleet.v2, new OtaDevice(uri, "dev", "secret", Fleet.HW, Fleet.LAYOUT, flash, null)
                    .activeImage(fleet.v2.length), "still runs v2");
        }
    }

    @Test
    void aStagedPatchIsNotInstalledForAnotherOfferOfItsLength() throws Exception {
        NorFlash flash = DeviceSimulator.provision(Fleet.LAYOUT, fleet.v1);
        UpdatePolicy policy = new UpdatePolicy(16 * 1024, fleet.trust, 2, false, Fleet.HW);
        // The v1 -> v2 patch staged (its install not started), as a run cut before the reboot leaves it.
        UpdateAgent agent = new UpdateAgent(Fleet.LAYOUT, flash, policy);
        long from = agent.begin(patchV1V2);
        agent.receive(patchV1V2, (int) from, patchV1V2.length - (int) from);
        agent.finish();
        assertEquals(UpdateAgent.State.STAGED, agent.state());

        // Another patch (the full image of version 2: a rollback the policy would refuse) offered with
        // the staged patch's length: the device must not install what it had staged instead.
        offer(2, fullV1, patchV1V2.length);
        OtaDevice ota = new OtaDevice(uri, "dev", "secret", Fleet.HW, Fleet.LAYOUT, flash, policy);
        Exception e = assertThrows(Exception.class, () -> ota.poll(OtaDevice.Installed.of(2, fleet.v1)));
        assertTrue(e instanceof IOException, e.toString());
        assertArrayEquals(fleet.v1, ota.activeImage(fleet.v1.length), "the staged patch was not installed");
    }
}
