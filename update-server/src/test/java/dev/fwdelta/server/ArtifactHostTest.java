// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --artifact-base-url} check-in answers point downloads at another host (a CDN, any
 * static HTTP server, maybe plain http) in the store's layout, {@code BASE/ab/SHA256}, and the
 * device fetches from there without its credentials, which only the update server sees. Two real servers on loopback: the
 * update server and a static host over the same store.
 */
class ArtifactHostTest {
    @TempDir
    Path dir;

    /** Publishes v1 (version 2) and v2 (version 3); a device on v1 installs v2 from the static host. */
    private Fleet.Device installThrough(String baseUrl) throws Exception {
        Fleet fleet = new Fleet(dir);
        Path store = dir.resolve("store");
        try (OtaServer server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), store, 1 << 20,
                baseUrl))) {
            URI uri = Fleet.uri(server);
            Publisher p = new Publisher(new AdminClient(uri, Fleet.TOKEN), line -> { });
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
            p.publish(fleet.v2, Fleet.options(3), fleet.key, "all");
            Fleet.Device d = fleet.new Device(uri, "dev-cdn", "default", fleet.v1, 2);
            assertEquals(OtaDevice.Outcome.INSTALLED, d.ota.poll(d.installed));
            assertArrayEquals(fleet.v2, d.active(fleet.v2.length));
            // Check-in and reports need the device's credentials (401 without): the report of the
            // install was taken, so the update server still got them.
            assertEquals("installed", new AdminClient(uri, Fleet.TOKEN).device("dev-cdn").split(" ")[4]);
            return d;
        }
    }

    @Test
    void theArtifactHostGetsNoDeviceCredentials() throws Exception {
        try (StaticStoreHost cdn = new StaticStoreHost(dir.resolve("store"), "/fw/")) {
            installThrough(cdn.base());
            assertTrue(cdn.requests().size() >= 2, "header and patch fetched from the static host: " + cdn.requests());
            for (StaticStoreHost.Request r : cdn.requests()) {
                assertNull(r.authorization(), "the static host was sent " + r.authorization() + " for " + r.path());
            }
        }
    }

    @Test
    void aBaseWithoutTrailingSlashStillPointsAtBaseAbSha() throws Exception {
        try (StaticStoreHost cdn = new StaticStoreHost(dir.resolve("store"), "/fw/")) {
            String base = cdn.base().substring(0, cdn.base().length() - 1);
            CheckinAnswer offer = installThrough(base).ota.lastOffer();
            String sha = offer.sha256();
            assertEquals(base + "/" + sha.substring(0, 2) + "/" + sha, offer.url());
            assertFalse(cdn.requests().isEmpty());
            for (StaticStoreHost.Request r : cdn.requests()) {
                assertEquals("/fw/" + sha.substring(0, 2) + "/" + sha, r.path());
            }
        }
    }

    @Test
    void anArtifactBaseUrlThatIsNotAnAbsoluteHttpUrlIsRefusedAtStart() throws Exception {
        for (String bad : new String[] {"cdn.example/fw", "/fw/", "ftp://cdn.example/fw", "https:///fw",
            "https://cdn.example/fw?x=1", "http://[bad"}) {
            Path data = dir.resolve("data-" + Integer.toHexString(bad.hashCode()));
            // A server that took the option would run until stopped: the time limit ends the test then.
            Fleet.Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Fleet.cli("server", "--data",
                    data.toString(), "--port", "0", "--artifact-base-url", bad));
            assertEquals(2, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("fwdelta: error: --artifact-base-url "), bad + ": " + r.err());
            assertFalse(Files.exists(data), "nothing created before the option was checked");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OtaServer.start(
                    Fleet.settings("jdbc:sqlite:" + data.resolve("db"), data.resolve("store"), 1 << 20, bad)));
            assertTrue(e.getMessage().startsWith("--artifact-base-url "), e.getMessage());
        }
    }

    /**
     * An artifact's URL is BASE, "ab/" and 64 hex digits, and a device takes URLs of at most
     * CheckinAnswer.MAX_URL characters: a longer BASE started, and every offer was one no device
     * fetches.
     */
    @Test
    void anArtifactBaseUrlTooLongForADevicesUrlsIsRefusedAtStart() throws Exception {
        String longest = "https://cdn.example/" + "f".repeat(ArtifactLocation.MAX_BASE - 21) + "/";
        assertEquals(ArtifactLocation.MAX_BASE, longest.length());
        String url = ArtifactLocation.of(longest).url("ab" + "0".repeat(62));
        assertEquals(1024, url.length(), "the longest URL a device takes");
        String longer = "https://cdn.example/" + "f".repeat(ArtifactLocation.MAX_BASE - 20) + "/";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArtifactLocation.of(longer));
        assertEquals("--artifact-base-url of 958 characters (with its final /) is too long: an artifact's URL adds 67"
                + " and a device takes URLs of 1..1024 characters, so BASE has 1..957", e.getMessage());
    }
}
