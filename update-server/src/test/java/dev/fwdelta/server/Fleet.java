// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.SigningKey;
import dev.fwdelta.server.device.CheckinAnswer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import picocli.CommandLine;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A test fleet: three firmware versions of one hardware id (seeded, firmware-like: mostly kept
 * between versions, some bytes changed, some inserted), a release key, and devices on the
 * stm32l4-512k layout that trust it.
 */
final class Fleet {
    static final long HW = 0x4c4b;
    static final String TOKEN = "test-admin-token-0123456789";
    static final String PROVISIONING = "test-provisioning-token-42";
    static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32l4-512k");

    final byte[] v0;
    final byte[] v1;
    final byte[] v2;
    final SigningKey key;
    final TrustStore trust;

    Fleet(Path dir) throws IOException {
        Random r = new Random(22);
        v0 = new byte[96 * 1024];
        for (int i = 0; i < v0.length; i += 4) { // instruction-like words from a small vocabulary
            int w = r.nextInt(512) * 0x01010101 ^ (i / 64);
            v0[i] = (byte) w;
            v0[i + 1] = (byte) (w >> 8);
            v0[i + 2] = (byte) (w >> 16);
            v0[i + 3] = (byte) (w >> 24);
        }
        v1 = evolve(v0, r);
        v2 = evolve(v1, r);
        Path keyFile = dir.resolve("release.pem");
        KeyFiles.generate(SignatureAlgorithm.ED25519, keyFile);
        key = KeyFiles.readPrivate(keyFile);
        trust = new TrustStore(List.of(KeyFiles.readPublic(KeyFiles.publicPathFor(keyFile))));
    }

    private static byte[] evolve(byte[] old, Random r) {
        byte[] out = new byte[old.length + 1024];
        int ins = r.nextInt(old.length / 2);
        System.arraycopy(old, 0, out, 0, ins);
        for (int i = 0; i < 1024; i++) {
            out[ins + i] = (byte) r.nextInt();
        }
        System.arraycopy(old, ins, out, ins + 1024, old.length - ins);
        for (int k = 0; k < 200; k++) {
            out[r.nextInt(out.length)] = (byte) r.nextInt();
        }
        return out;
    }

    static OtaServer.Settings settings(String jdbcUrl, Path store, long maxUpload) {
        return settings(jdbcUrl, store, maxUpload, null);
    }

    /** {@code artifactBaseUrl}: where check-in answers point downloads (--artifact-base-url), or null. */
    static OtaServer.Settings settings(String jdbcUrl, Path store, long maxUpload, String artifactBaseUrl) {
        return new OtaServer.Settings("127.0.0.1", 0, jdbcUrl, null, null, store, Credentials.hash(TOKEN), maxUpload,
                artifactBaseUrl, null, null, null, Credentials.hash(PROVISIONING));
    }

    /** A server on a new SQLite database and store in {@code dir}, uploads up to 1 MiB. */
    static OtaServer sqliteServer(Path dir) throws Exception {
        return OtaServer.start(settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), 1 << 20));
    }

    static URI uri(OtaServer s) {
        return URI.create("http://127.0.0.1:" + s.port() + "/");
    }

    /** Publishes v0, v1 and v2 in turn, each built against the images published before it. */
    void publishAll(URI server) throws Exception {
        AdminClient admin = new AdminClient(server, TOKEN);
        Publisher p = new Publisher(admin, line -> { });
        p.publish(v0, options(1), key, "all");
        p.publish(v1, options(2), key, "all");
        p.publish(v2, options(3), key, "all");
        assertEquals(3, admin.images(HW).size());
    }

    /**
     * The answer, without its newline, to device {@code id} checking in on version 1 of {@link #HW}
     * running the image {@code sha}: {@code none} or {@code update ...}. Anything but 200 fails.
     */
    static String checkin(URI server, String id, String secret, String sha) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.resolve("/d/checkin"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("hw=" + HW + "&ver=1&sha=" + sha)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body().strip();
    }

    /** 8 KiB blocks: a cut download resumes at the last whole block, so blocks set how much is fetched twice. */
    static BuildOptions options(long version) {
        return new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 8 * 1024, version, HW);
    }

    /** A simulated device: its flash holds {@code image}; it trusts the release key. */
    final class Device {
        final String id;
        final String secret;
        final NorFlash flash;
        final OtaDevice ota;
        final OtaDevice.Installed installed;

        Device(URI server, String id, String group, byte[] image, long version) throws Exception {
            this.id = id;
            secret = new AdminClient(server, TOKEN).addDevice(id, group);
            flash = DeviceSimulator.provision(LAYOUT, image);
            ota = new OtaDevice(server, id, secret, HW, LAYOUT, flash,
                    new UpdatePolicy(16 * 1024, trust, version, false, HW));
            installed = OtaDevice.Installed.of(version, image);
        }

        byte[] active(int size) {
            return ota.activeImage(size);
        }

        /** What this device, running {@code image} as {@code version}, is offered and downloads (whole, no Range). */
        byte[] offeredBytes(URI server, long version, byte[] image) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
            String body = http.send(HttpRequest.newBuilder(server.resolve("/d/checkin")).header("Authorization", auth)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("hw=" + HW + "&ver=" + version + "&sha="
                            + OtaDevice.Installed.of(version, image).sha256())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            CheckinAnswer offer = CheckinAnswer.parse(body, 1 << 20);
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(server.resolve(offer.url()))
                    .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, res.statusCode());
            return res.body();
        }
    }

    /** A command's exit code and what it printed. */
    record Run(int exit, String out, String err) {}

    /** Runs an update-server command ({@code server}, {@code release}, {@code device poll}) in this JVM. */
    static Run cli(String... args) {
        return cli(ServerMain.commandLine(), args);
    }

    static Run cli(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
