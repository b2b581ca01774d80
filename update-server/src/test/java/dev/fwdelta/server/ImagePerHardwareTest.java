// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.encode.BuildOptions;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image published for two hardware ids is a base for both (images keyed by sha and hardware id,
 * V2__images_per_hardware.sql): the second hardware id lists it, and its next release gets a patch
 * from it rather than only the full image. SQLite and PostgreSQL, and a V1 database keeps its images.
 */
class ImagePerHardwareTest {
    private static final long OTHER_HW = 777;

    @TempDir
    Path dir;

    @Test
    void anImagePublishedForTwoHardwareIdsIsABaseForBothOnSqlite() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            baseForBoth(Fleet.uri(server));
        }
    }

    @Test
    void anImagePublishedForTwoHardwareIdsIsABaseForBothOnPostgres() throws Exception {
        try (Postgres pg = new Postgres();
             OtaServer server = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20))) {
            baseForBoth(Fleet.uri(server));
        }
    }

    private void baseForBoth(URI uri) throws Exception {
        Fleet fleet = new Fleet(dir);
        AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
        Publisher p = new Publisher(admin, line -> { });
        String v0 = OtaDevice.Installed.of(1, fleet.v0).sha256();
        p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
        p.publish(fleet.v0, options(4), fleet.key, "all");

        assertEquals(1, admin.images(Fleet.HW).size());
        assertEquals(1, admin.images(OTHER_HW).size(), "the image is a base for the second hardware id too");
        assertEquals(new AdminClient.SeenImage(4, v0, fleet.v0.length), admin.images(OTHER_HW).get(0));
        assertEquals(new AdminClient.SeenImage(1, v0, fleet.v0.length), admin.images(Fleet.HW).get(0));

        String next = p.publish(fleet.v1, options(5), fleet.key, "all");
        assertTrue(next.startsWith("release 5 for hardware " + OTHER_HW + ": 1 patches"), next);
        assertTrue(p.publish(fleet.v1, Fleet.options(2), fleet.key, "all")
                .startsWith("release 2 for hardware " + Fleet.HW + ": 1 patches"));
    }

    @Test
    void aVersion1DatabaseKeepsItsImages() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("db");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("1").load().migrate();
        String sha = "ab".repeat(32);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO artifacts (sha, size) VALUES ('" + sha + "', 123)");
            s.execute("INSERT INTO images (sha, hardware, version) VALUES ('" + sha + "', " + Fleet.HW + ", 7)");
        }
        try (OtaServer server = OtaServer.start(Fleet.settings(url, dir.resolve("store"), 1 << 20))) {
            AdminClient admin = new AdminClient(Fleet.uri(server), Fleet.TOKEN);
            assertEquals(new AdminClient.SeenImage(7, sha, 123), admin.images(Fleet.HW).get(0));
            assertEquals(0, admin.images(OTHER_HW).size());
        }
    }

    private static BuildOptions options(long version) {
        return new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 8 * 1024, version, OTHER_HW);
    }
}
