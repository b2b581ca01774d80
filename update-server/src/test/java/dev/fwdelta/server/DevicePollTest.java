// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutException;
import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.DeviceSecret;
import dev.fwdelta.server.device.DeviceState;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.device.PersistentDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.sign.KeyFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta device poll} keeps what the device runs beside its flash file: after an install the
 * next poll checks in with the new version and has nothing to do; a run cut by a power cut in the
 * download or in the install ends, on the next run, on the new image with its version recorded.
 */
class DevicePollTest {
    @TempDir
    Path dir;

    /** Versions 2 (v1) and 3 (v2) published: the bases and the release the devices get. */
    private static void publish(Fleet fleet, URI uri) throws Exception {
        Publisher p = new Publisher(new AdminClient(uri, Fleet.TOKEN), line -> { });
        p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
        p.publish(fleet.v2, Fleet.options(3), fleet.key, "all");
    }

    @Test
    void aSecondPollAfterTheInstallReportsTheNewVersionAndHasNothingToDo() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            publish(fleet, uri);
            Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
            Fleet.Run add = Fleet.cli("server", "add-device", "--server", uri.toString(), "--admin-token-file",
                    token.toString(), "--id", "board-1");
            assertEquals(0, add.exit(), add.err());
            Path image = Files.write(dir.resolve("board-1.bin"), fleet.v1);
            Path flash = dir.resolve("board-1.flash");
            Path secret = Files.writeString(dir.resolve("board-1.secret"), add.out());
            String[] poll = {"device", "poll", "--server", uri.toString(), "--id", "board-1", "--secret-file", secret.toString(),
                "--layout", "stm32l4-512k", "--image", image.toString(), "--flash-file", flash.toString(),
                "--hardware-id", Long.toString(Fleet.HW), "--installed-version", "2",
                "--trust", KeyFiles.publicPathFor(dir.resolve("release.pem")).toString()};

            assertEquals(2, Fleet.cli("device").exit(), "a command group without its subcommand is a usage error");
            assertEquals(2, Fleet.cli("release").exit());
            Fleet.Run first = Fleet.cli(poll);
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.out().startsWith("installed version 3:"), first.out());
            assertArrayEquals(fleet.v2, Files.readAllBytes(image), "--image is rewritten with the running image");
            assertEquals(DeviceState.Image.of(3, fleet.v2),
                    DeviceState.load(DevicePollCommand.stateFile(flash)).installed());

            // The same command again (--installed-version 2 is read only the first time).
            Fleet.Run second = Fleet.cli(poll);
            assertEquals(0, second.exit(), second.err());
            assertEquals("up to date: version 3", second.out().strip());
            String[] row = new AdminClient(uri, Fleet.TOKEN).device("board-1").split(" ");
            assertEquals("3", row[2], "checked in with version 3");
            assertEquals(OtaDevice.Installed.of(3, fleet.v2).sha256(), row[3]);
            assertEquals("installed", row[4]);
        }
    }

    /** The secret is not taken from the command line (it would show in ps): a file or FWDELTA_DEVICE_SECRET. */
    @Test
    void theSecretComesFromAFileOrTheEnvironmentNeverFromTheCommandLine() throws Exception {
        Path image = Files.write(dir.resolve("board.bin"), new byte[4096]);
        String[] common = {"device", "poll", "--server", "http://127.0.0.1:9/", "--id", "board-1", "--layout",
            "stm32l4-512k", "--image", image.toString(), "--flash-file", dir.resolve("board.flash").toString(),
            "--hardware-id", "7"};
        Fleet.Run onCommandLine = Fleet.cli(concat(common, "--secret", "0123abcd"));
        assertEquals(2, onCommandLine.exit(), onCommandLine.err());
        assertTrue(onCommandLine.err().contains("--secret"), onCommandLine.err());
        Path empty = Files.writeString(dir.resolve("empty.secret"), "\n");
        Fleet.Run blank = Fleet.cli(concat(common, "--secret-file", empty.toString()));
        assertEquals(2, blank.exit(), blank.err());
        assertEquals("fwdelta: error: --secret-file " + empty + " holds an empty device secret (see 'fwdelta device poll --help')",
                blank.err().strip());
        Path big = Files.write(dir.resolve("big.secret"), new byte[4096]);
        Fleet.Run tooLarge = Fleet.cli(concat(common, "--secret-file", big.toString()));
        assertEquals(5, tooLarge.exit(), tooLarge.err());
        assertTrue(tooLarge.err().contains("device secret file has 0..1024 bytes"), tooLarge.err());
        assertEquals("s3cret", DeviceSecret.read(null, " s3cret\n"), DeviceSecret.ENV);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> DeviceSecret.read(null, null));
        assertEquals("no device secret: give --secret-file FILE or set FWDELTA_DEVICE_SECRET", none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceSecret.read(null, " "));
        assertTrue(Files.notExists(dir.resolve("board.flash")), "refused before the flash file is made");
    }

    /**
     * A --trust file that was read but holds no public key is a usage error naming --trust, as in
     * fwdelta's own commands (diff-tool's CliTest), before the server is asked or the flash made.
     */
    @Test
    void aTrustFileWithoutAPublicKeyIsAUsageError() throws Exception {
        Path image = Files.write(dir.resolve("board.bin"), new byte[4096]);
        Path secret = Files.writeString(dir.resolve("board.secret"), "0123abcd\n");
        String[] common = {"device", "poll", "--server", "http://127.0.0.1:9/", "--id", "board-1", "--secret-file",
            secret.toString(), "--layout", "stm32l4-512k", "--image", image.toString(), "--flash-file",
            dir.resolve("board.flash").toString(), "--hardware-id", "7", "--trust"};
        Path empty = Files.write(dir.resolve("empty.pem"), new byte[0]);
        Path text = Files.writeString(dir.resolve("notes.pem"), "release key: ask Jo\n");
        for (Path bad : new Path[] {empty, text}) {
            Fleet.Run run = Fleet.cli(concat(common, bad.toString()));
            assertEquals(2, run.exit(), run.err());
            assertTrue(run.err().strip().startsWith("fwdelta: error: --trust " + bad + " is not a PEM key file"),
                    run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
        }
        Fleet.Run missing = Fleet.cli(concat(common, dir.resolve("none.pem").toString()));
        assertEquals(5, missing.exit(), missing.err());
        assertTrue(Files.notExists(dir.resolve("board.flash")), "refused before the flash file is made");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void aPowerCutInTheDownloadOrTheInstallEndsOnTheNewImageWithItsVersionRecorded() throws Exception {
        Fleet fleet = new Fleet(dir);
        // An image the server does not know: the device gets the full image, a download of many blocks.
        byte[] unknown = fleet.v1.clone();
        unknown[64] ^= 1;
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            publish(fleet, uri);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            Path clean = dir.resolve("clean.flash");
            long total;
            try (NorFlash flash = provisioned(clean, unknown)) {
                long before = flash.counters().operations();
                PersistentDevice.Result r = device(admin, uri, fleet, "clean", flash, clean).poll();
                assertEquals(OtaDevice.Outcome.INSTALLED, r.outcome());
                total = flash.counters().operations() - before;
            }
            int resumedDownloads = 0;
            int resumedInstalls = 0;
            for (double at : new double[] {0.1, 0.25, 0.6, 0.9}) {
                long cut = Math.round(at * total);
                String id = "cut-" + cut;
                Path file = dir.resolve(id + ".flash");
                try (NorFlash flash = provisioned(file, unknown)) {
                    PersistentDevice d = device(admin, uri, fleet, id, flash, file);
                    flash.setFaults(FaultPlan.cutBefore(flash.counters().operations() + cut, false));
                    assertThrows(PowerCutException.class, d::poll, "cut before operation " + cut + " of " + total);
                }
                try (NorFlash flash = NorFlash.file(Fleet.LAYOUT.geometry(), file)) { // power comes back
                    OtaDevice ota = ota(uri, fleet, flash, id);
                    PersistentDevice.Result r = new PersistentDevice(ota, DevicePollCommand.stateFile(file)).poll();
                    if (r.resumedInstall()) {
                        assertEquals(OtaDevice.Outcome.NOTHING_TO_DO, r.outcome(), id);
                        resumedInstalls++;
                    } else {
                        assertEquals(OtaDevice.Outcome.INSTALLED, r.outcome(), id);
                        if (ota.bytesDownloaded() < ota.lastOffer().size()) {
                            resumedDownloads++; // continued with Range, not from the start
                        }
                    }
                    assertEquals(3, r.running().version(), id);
                    assertArrayEquals(fleet.v2, ota.activeImage(fleet.v2.length), id + " runs v2 exactly");
                }
                try (NorFlash flash = NorFlash.file(Fleet.LAYOUT.geometry(), file)) {
                    OtaDevice ota = ota(uri, fleet, flash, id);
                    PersistentDevice.Result r = new PersistentDevice(ota, DevicePollCommand.stateFile(file)).poll();
                    assertEquals(OtaDevice.Outcome.NOTHING_TO_DO, r.outcome(), id);
                    assertEquals(DeviceState.Image.of(3, fleet.v2), r.running());
                }
                String[] row = admin.device(id).split(" ");
                assertEquals("3", row[2], id + " checked in with version 3");
                assertEquals("installed", row[4], id + " reported installed");
            }
            assertTrue(resumedDownloads >= 1, resumedDownloads + " downloads resumed");
            assertTrue(resumedInstalls >= 1, resumedInstalls + " installs resumed");
        }
    }

    private static NorFlash provisioned(Path file, byte[] image) throws Exception {
        NorFlash flash = NorFlash.file(Fleet.LAYOUT.geometry(), file);
        DeviceSimulator.provision(Fleet.LAYOUT, flash, image);
        new DeviceState(DeviceState.Image.of(2, image), null).save(DevicePollCommand.stateFile(file));
        return flash;
    }

    private final Map<String, String> secrets = new HashMap<>();

    private PersistentDevice device(AdminClient admin, URI uri, Fleet fleet, String id, NorFlash flash, Path file)
            throws Exception {
        secrets.put(id, admin.addDevice(id, "default"));
        return new PersistentDevice(ota(uri, fleet, flash, id), DevicePollCommand.stateFile(file));
    }

    /** The device {@code id} on {@code flash}, as a new process would build it (its policy from its state). */
    private OtaDevice ota(URI uri, Fleet fleet, NorFlash flash, String id) {
        return new OtaDevice(uri, id, secrets.get(id), Fleet.HW, Fleet.LAYOUT, flash,
                new UpdatePolicy(16 * 1024, fleet.trust, 2, false, Fleet.HW));
    }
}
