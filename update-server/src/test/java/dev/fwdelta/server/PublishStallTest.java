// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.ShortAdminBodyLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code release publish} against a real update server (on the tests' PostgreSQL) behind a relay
 * that stalls one request: no answer at all, the status line and part of the headers, or half an
 * upload after which the server's side is cut. The command must end by itself (its limits made
 * short here) with exit 5 and one line naming the request, the URL and what it waited for, and
 * leave nothing published: no release, and no artifact of the upload that was cut.
 */
class PublishStallTest {
    private static final Duration LIMIT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private Fleet fleet;

    @BeforeEach
    void writeInputs() throws IOException {
        fleet = new Fleet(dir);
        Files.write(dir.resolve("v0.bin"), fleet.v0);
        Files.writeString(dir.resolve("token"), Fleet.TOKEN);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anHonestRelayPublishes() throws Exception {
        withServer((relay, pg) -> {
            relay.stallOn = "no request starts so";
            Fleet.Run r = publish(relay.uri());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals(1, count(pg, "SELECT count(*) FROM releases"));
            assertTrue(relay.forwarded().stream().anyMatch(l -> l.startsWith("POST /admin/releases ")), relay.forwarded()
                    .toString());
        });
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anImageListNeverAnsweredEndsAtTheHeaderLimit() throws Exception {
        withServer((relay, pg) -> {
            Fleet.Run r = publishStalled(relay, "GET /admin/images", StallingRelay.Stall.NO_ANSWER);
            assertEquals(List.of(headerLimitError("GET /admin/images", relay.uri().resolve("/admin/images?hw=" + Fleet.HW))),
                    r.err().lines().toList());
            assertNothingPublished(relay, pg);
        });
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUploadAnsweredWithPartOfItsHeadersEndsAtTheHeaderLimit() throws Exception {
        withServer((relay, pg) -> {
            Fleet.Run r = publishStalled(relay, "PUT /admin/artifacts/", StallingRelay.Stall.PART_OF_HEADERS);
            String base = Pattern.quote(relay.uri().resolve("/admin/artifacts/").toString());
            assertTrue(r.err().matches("fwdelta: error: PUT /admin/artifacts/([0-9a-f]{64}): " + base
                    + "\\1 took the connection but sent no complete answer headers within the limit of 1 s\n"), r.err());
            assertNothingPublished(relay, pg);
        });
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUploadCutHalfwayLeavesNoArtifactAndNoRelease() throws Exception {
        String image = OtaDevice.Installed.of(1, fleet.v0).sha256();
        withServer((relay, pg) -> {
            relay.stallOn = "PUT /admin/artifacts/" + image;
            relay.how = StallingRelay.Stall.MID_UPLOAD;
            CompletableFuture<Fleet.Run> run = CompletableFuture.supplyAsync(() -> publish(relay.uri()));
            // The server is reading the upload (its part file is in the store) when its side is cut.
            while ((relay.stalled == 0 || parts().isEmpty()) && !run.isDone()) {
                Thread.sleep(10);
            }
            assertFalse(parts().isEmpty(), "the image upload never reached the server: " + run.join());
            relay.cut.countDown();
            Fleet.Run r = run.join();
            assertEquals(5, r.exit(), r.out() + r.err());
            assertEquals(List.of(headerLimitError("PUT /admin/artifacts/" + image,
                    relay.uri().resolve("/admin/artifacts/" + image))), r.err().lines().toList());
            assertNoUploadLeft(pg, image);
            assertNothingPublished(relay, pg);
        });
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anUploadCutOnBothSidesLeavesNoArtifactAndNoRelease() throws Exception {
        String image = OtaDevice.Installed.of(1, fleet.v0).sha256();
        withServer((relay, pg) -> {
            relay.cut.countDown(); // both sides at once, right after half the body
            Fleet.Run r = publishStalled(relay, "PUT /admin/artifacts/" + image, StallingRelay.Stall.CUT_BOTH);
            String why = r.err().replaceFirst(".* was closed before a complete answer came \\((.*)\\)\n", "$1");
            assertEquals(List.of("fwdelta: error: PUT /admin/artifacts/" + image + ": the connection to "
                    + relay.uri().resolve("/admin/artifacts/" + image) + " was closed before a complete answer came ("
                    + why + ")"), r.err().lines().toList());
            assertTrue(List.of("EOF reached while reading", "Connection reset", "Broken pipe").contains(why), why);
            assertNoUploadLeft(pg, image);
            assertNothingPublished(relay, pg);
        });
    }

    private interface Body {
        void run(StallingRelay relay, Postgres pg) throws Exception;
    }

    private void withServer(Body body) throws Exception {
        try (Postgres pg = new Postgres();
             OtaServer server = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             StallingRelay relay = new StallingRelay(server.port())) {
            body.run(relay, pg);
        }
    }

    /** A publish through {@code relay} stalling the first request whose line starts with {@code on}: exit 5. */
    private Fleet.Run publishStalled(StallingRelay relay, String on, StallingRelay.Stall how) {
        relay.stallOn = on;
        relay.how = how;
        Fleet.Run r = publish(relay.uri());
        assertEquals(5, r.exit(), r.out() + r.err());
        return r;
    }

    private static String headerLimitError(String request, URI url) {
        return "fwdelta: error: " + request + ": " + url
                + " took the connection but sent no complete answer headers within the limit of 1 s";
    }

    private Fleet.Run publish(URI server) {
        return Fleet.cli(ShortAdminBodyLimits.commandLine(LIMIT, Duration.ofSeconds(10), LIMIT), "release", "publish",
                "--server", server.toString(), "--admin-token-file", dir.resolve("token").toString(),
                "--image", dir.resolve("v0.bin").toString(), "--key", dir.resolve("release.pem").toString(),
                "--hardware-id", Long.toString(Fleet.HW), "--firmware-version", "1");
    }

    /** Once the server has seen the upload cut (its part file gone): no file and no row of the artifact. */
    private void assertNoUploadLeft(Postgres pg, String sha) throws Exception {
        while (!parts().isEmpty()) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(dir.resolve("store").resolve(sha.substring(0, 2)).resolve(sha)));
        assertEquals(0, count(pg, "SELECT count(*) FROM artifacts WHERE sha = '" + sha + "'"));
    }

    private static void assertNothingPublished(StallingRelay relay, Postgres pg) throws Exception {
        assertEquals(1, relay.stalled, "the relay stalled no request: " + relay.forwarded());
        assertFalse(relay.forwarded().stream().anyMatch(l -> l.startsWith("POST /admin/releases")),
                relay.forwarded().toString());
        assertEquals(0, count(pg, "SELECT count(*) FROM releases"));
        assertEquals(0, count(pg, "SELECT count(*) FROM patches"));
    }

    private List<Path> parts() throws IOException {
        Path store = dir.resolve("store");
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(store)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".part")).toList());
        }
    }

    private static long count(Postgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
