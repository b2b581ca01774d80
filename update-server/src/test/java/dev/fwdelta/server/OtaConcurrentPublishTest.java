// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances on one PostgreSQL and one artifact store, taking the same uploads at the same
 * moment: eight PUTs of one artifact, and two publishes of one release racing (each builds the same
 * signed patches, as signatures are deterministic). Every request is answered 2xx; there is one row
 * and one file per artifact, each file hashes to its name, one release with one patch per base, and
 * a device gets its update exactly.
 */
class OtaConcurrentPublishTest {
    private static final int UPLOADERS = 8;

    @TempDir
    Path dir;

    @Test
    void racingUploadsAndPublishesOnTwoInstancesLeaveOneOfEach() throws Exception {
        Fleet fleet = new Fleet(dir);
        Path store = dir.resolve("store");
        ExecutorService pool = Executors.newFixedThreadPool(UPLOADERS);
        try (Postgres pg = new Postgres();
             OtaServer a = OtaServer.start(Fleet.settings(pg.url, store, 1 << 20));
             OtaServer b = OtaServer.start(Fleet.settings(pg.url, store, 1 << 20))) {
            AdminClient[] admins = {new AdminClient(Fleet.uri(a), Fleet.TOKEN), new AdminClient(Fleet.uri(b), Fleet.TOKEN)};

            CyclicBarrier start = new CyclicBarrier(UPLOADERS);
            List<Callable<String>> puts = new ArrayList<>();
            for (int i = 0; i < UPLOADERS; i++) {
                AdminClient admin = admins[i % 2];
                puts.add(() -> {
                    start.await();
                    return admin.putArtifact(fleet.v2);
                });
            }
            String sha = OtaDevice.Installed.of(0, fleet.v2).sha256();
            for (Future<String> f : pool.invokeAll(puts)) {
                assertEquals(sha, f.get(), "every upload is answered 201 with its name");
            }
            assertEquals(1, count(pg, "SELECT COUNT(*) FROM artifacts WHERE sha = '" + sha + "'"));
            assertEquals(List.of(sha), storedNames(store));
            assertArrayEquals(fleet.v2, Files.readAllBytes(store.resolve(sha.substring(0, 2)).resolve(sha)));

            new Publisher(admins[0], line -> { }).publish(fleet.v0, Fleet.options(1), fleet.key, "all");
            CyclicBarrier race = new CyclicBarrier(2);
            List<Callable<String>> publishes = new ArrayList<>();
            for (AdminClient admin : admins) {
                publishes.add(() -> {
                    race.await();
                    return new Publisher(admin, line -> { }).publish(fleet.v1, Fleet.options(2), fleet.key, "all");
                });
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(publishes)) {
                answers.add(f.get());
            }
            assertEquals(1, answers.stream().filter(s -> s.startsWith("release 2 for hardware " + Fleet.HW + ": 1 patches"))
                    .count(), answers.toString());
            assertEquals(1, answers.stream().filter(s -> s.endsWith("exists already as posted: unchanged")).count(),
                    answers.toString());

            assertEquals(1, count(pg, "SELECT COUNT(*) FROM releases WHERE version = 2"));
            assertEquals(1, count(pg, "SELECT COUNT(*) FROM patches WHERE version = 2"));
            assertEquals(2, count(pg, "SELECT COUNT(*) FROM images"));
            // v2; release 1: v0 and its full patch; release 2: v1, its full patch and the v0 -> v1 patch.
            assertEquals(6, count(pg, "SELECT COUNT(*) FROM artifacts"));
            List<String> names = storedNames(store);
            assertEquals(6, names.size(), "one file per artifact, no upload left half-written: " + names);
            for (String name : names) {
                byte[] bytes = Files.readAllBytes(store.resolve(name.substring(0, 2)).resolve(name));
                assertEquals(name, OtaDevice.Installed.of(0, bytes).sha256(), "the file hashes to its name");
            }

            URI devices = Fleet.uri(b);
            Fleet.Device dev = fleet.new Device(devices, "dev-race", "default", fleet.v0, 1);
            assertEquals(OtaDevice.Outcome.INSTALLED, dev.ota.poll(dev.installed));
            assertArrayEquals(fleet.v1, dev.active(fleet.v1.length));
            assertTrue(dev.ota.bytesDownloaded() < fleet.v1.length / 2, "got the patch, not the full image");
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(Postgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The names of all files in the store (artifacts and anything else left there). */
    private static List<String> storedNames(Path store) throws Exception {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
