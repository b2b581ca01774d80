// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout of a published release changes (POST /admin/releases/rollout, {@code release rollout}):
 * narrowed, a device inside the old rollout and outside the new one is no longer offered the
 * release at its next check-in; halted ({@code percent:0}), nobody is; widened, a device outside
 * gets it. The change is in the database: SQLite across a restart, PostgreSQL seen by a second
 * instance. A bad rollout is refused with the publish path's words, an unknown release is 404.
 */
class ReleaseRolloutTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void checkInsFollowAChangedRolloutOnSqliteAcrossARestart() throws Exception {
        Fleet fleet = new Fleet(dir);
        Devices d;
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            d = changeAndFollow(fleet, Fleet.uri(server), Fleet.uri(server));
        }
        try (OtaServer again = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(again);
            assertEquals("none", Fleet.checkin(uri, "dev-a", d.a, d.v0), "still narrowed to group:beta after the restart");
            assertTrue(Fleet.checkin(uri, "dev-b", d.b, d.v0).startsWith("update 2 "));
        }
    }

    @Test
    void checkInsFollowAChangedRolloutOnPostgresOnAnotherInstance() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (Postgres pg = new Postgres();
             OtaServer one = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             OtaServer two = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20))) {
            changeAndFollow(fleet, Fleet.uri(one), Fleet.uri(two));

            // Changes at once, on both instances: made one after the other, so each answer names
            // another rollout replaced, and together they form one chain from group:beta.
            int n = 8;
            List<String> was = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                AdminClient c = new AdminClient(Fleet.uri(i % 2 == 0 ? one : two), Fleet.TOKEN);
                int percent = i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        was.add(replaced(c.changeRollout(Fleet.HW, 2, "percent:" + percent)));
                    } catch (Exception e) {
                        was.add(e.toString());
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            String last = replaced(new AdminClient(Fleet.uri(one), Fleet.TOKEN).changeRollout(Fleet.HW, 2, "all"));
            Set<String> expected = new HashSet<>(Set.of("group:beta"));
            for (int i = 1; i <= n; i++) {
                expected.add("percent:" + i);
            }
            expected.remove(last);
            assertEquals(n, was.size());
            assertEquals(expected, new HashSet<>(was), "each replaced once: " + was + ", then " + last);
        }
    }

    /** The rollout an answer says it replaced: {@code ... (was OLD)}. */
    private static String replaced(String answer) {
        assertTrue(answer.matches("release 2 for hardware " + Fleet.HW + ": rollout \\S+ \\(was \\S+\\)"), answer);
        return answer.substring(answer.indexOf("(was ") + 5, answer.length() - 1);
    }

    /** The device secrets and the image they run (version 1). */
    private record Devices(String a, String b, String v0) {}

    /**
     * Publishes versions 1 and 2 to all on {@code admin}, then narrows, halts, widens and narrows
     * version 2 there with {@code release rollout}, checking in after each change on {@code devices}.
     * Ends narrowed to group:beta: dev-a (group default) out, dev-b (group beta) in.
     */
    private Devices changeAndFollow(Fleet fleet, URI admin, URI devices) throws Exception {
        Publisher p = new Publisher(new AdminClient(admin, Fleet.TOKEN), line -> { });
        p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
        p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
        AdminClient client = new AdminClient(admin, Fleet.TOKEN);
        Devices d = new Devices(client.addDevice("dev-a", "default"), client.addDevice("dev-b", "beta"),
                OtaDevice.Installed.of(1, fleet.v0).sha256());
        assertTrue(Fleet.checkin(devices, "dev-a", d.a, d.v0).startsWith("update 2 "));
        assertTrue(Fleet.checkin(devices, "dev-b", d.b, d.v0).startsWith("update 2 "));

        rollout(admin, "group:beta", "rollout group:beta (was all)");
        assertEquals("none", Fleet.checkin(devices, "dev-a", d.a, d.v0), "inside all, outside group:beta: no longer offered");
        assertTrue(Fleet.checkin(devices, "dev-b", d.b, d.v0).startsWith("update 2 "));

        rollout(admin, "percent:0", "rollout percent:0 (was group:beta)");
        assertEquals("none", Fleet.checkin(devices, "dev-a", d.a, d.v0));
        assertEquals("none", Fleet.checkin(devices, "dev-b", d.b, d.v0), "halted: nobody is offered it");

        rollout(admin, "all", "rollout all (was percent:0)");
        assertTrue(Fleet.checkin(devices, "dev-a", d.a, d.v0).startsWith("update 2 "), "widened: offered again");
        assertTrue(Fleet.checkin(devices, "dev-b", d.b, d.v0).startsWith("update 2 "));
        rollout(admin, "all", "rollout all (unchanged)");

        rollout(admin, "group:beta", "rollout group:beta (was all)");
        assertEquals("none", Fleet.checkin(devices, "dev-a", d.a, d.v0));

        // Published again as it now is, the release is unchanged; with the rollout it had, refused
        // naming the command that changes it.
        assertTrue(p.publish(fleet.v1, Fleet.options(2), fleet.key, "group:beta").endsWith("unchanged"));
        AdminClient.Refused old = assertThrows(AdminClient.Refused.class,
                () -> p.publish(fleet.v1, Fleet.options(2), fleet.key, "all"));
        assertTrue(old.getMessage().endsWith("another rollout: recorded group:beta, posted all (change a published"
                + " release's rollout with POST /admin/releases/rollout: fwdelta release rollout)"), old.getMessage());
        return d;
    }

    @Test
    void aBadRolloutAnUnknownReleaseAndNoTokenAreRefusedChangingNothing() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            Publisher p = new Publisher(new AdminClient(uri, Fleet.TOKEN), line -> { });
            p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-a", "default");
            String v0 = OtaDevice.Installed.of(1, fleet.v0).sha256();
            String release = "hw=" + Fleet.HW + "&ver=2";
            String[][] refused = {
                {release + "&rollout=percent:101", "400", "error: rollout percent must be from 0 to 100, got 101"},
                {release + "&rollout=percent:-1", "400", "error: rollout percent must be a decimal number from 0 to 100"},
                {release + "&rollout=group:", "400", "error: rollout group must be 1 to 64 of A-Z a-z 0-9 . _ -"},
                {release + "&rollout=some", "400", "error: rollout must be all, group:NAME or percent:N (0 to 100)"},
                {release, "400", "error: rollout must be all, group:NAME or percent:N (0 to 100)"},
                {release + "&rollout=all&rollout=percent:0", "400", "error: rollout is given 2 times"},
                {"hw=" + Fleet.HW + "&rollout=percent:0", "400", "error: ver must be a decimal number from 0 to "
                        + Long.MAX_VALUE},
                {"hw=" + Fleet.HW + "&ver=9&rollout=percent:0", "404",
                    "error: no release 9 for hardware " + Fleet.HW + " (publish it first)"},
                {"hw=7&ver=2&rollout=percent:0", "404", "error: no release 2 for hardware 7 (publish it first)"}};
            for (String[] r : refused) {
                HttpResponse<String> a = post(uri, "Bearer " + Fleet.TOKEN, r[0]);
                assertEquals(Integer.parseInt(r[1]), a.statusCode(), r[0] + ": " + a.body());
                assertEquals(r[2] + "\n", a.body(), r[0]);
            }
            HttpResponse<String> noToken = post(uri, "Bearer not-the-admin-token-at-all", release + "&rollout=percent:0");
            assertEquals(401, noToken.statusCode(), noToken.body());
            assertTrue(Fleet.checkin(uri, "dev-a", secret, v0).startsWith("update 2 "), "still rolled out to all");

            // The command checks --rollout as the server does, before any request: a usage error, exit 2.
            Fleet.Run bad = Fleet.cli("release", "rollout", "--server", uri.toString(), "--admin-token-file",
                    token().toString(), "--hardware-id", Long.toString(Fleet.HW), "--firmware-version", "2",
                    "--rollout", "percent:101");
            assertEquals(2, bad.exit(), bad.err());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
            assertTrue(bad.err().startsWith("fwdelta: error: ")
                    && bad.err().contains("rollout percent must be from 0 to 100, got 101"), bad.err());
            Fleet.Run unknown = Fleet.cli("release", "rollout", "--server", uri.toString(), "--admin-token-file",
                    token().toString(), "--hardware-id", Long.toString(Fleet.HW), "--firmware-version", "9",
                    "--rollout", "percent:0");
            assertEquals(2, unknown.exit(), unknown.err());
            assertEquals("fwdelta: error: POST /admin/releases/rollout answered 404: error: no release 9 for hardware "
                    + Fleet.HW + " (publish it first) (see 'fwdelta release rollout --help')", unknown.err().strip());
            assertEquals("", unknown.out());
            Fleet.Run missing = Fleet.cli("release", "rollout", "--server", uri.toString(), "--hardware-id",
                    Long.toString(Fleet.HW), "--firmware-version", "2");
            assertEquals(2, missing.exit(), missing.err());
            assertTrue(missing.err().contains("--rollout"), missing.err());
            assertTrue(Fleet.checkin(uri, "dev-a", secret, v0).startsWith("update 2 "), "still rolled out to all");
        }
    }

    /** {@code release publish --rollout} is checked the same way, before anything is built or uploaded. */
    @Test
    void publishRefusesABadRolloutBeforeUploadingAnything() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            Fleet.Run r = Fleet.cli("release", "publish", "--server", uri.toString(), "--admin-token-file",
                    token().toString(), "--image", Files.write(dir.resolve("v0.bin"), fleet.v0).toString(), "--key",
                    dir.resolve("release.pem").toString(), "--hardware-id", Long.toString(Fleet.HW),
                    "--firmware-version", "1", "--rollout", "group:no/slash");
            assertEquals(2, r.exit(), r.err());
            assertEquals("fwdelta: error: Invalid value for option '--rollout': rollout group must be 1 to 64 of"
                    + " A-Z a-z 0-9 . _ - (see 'fwdelta release publish --help')", r.err().strip());
            assertEquals(0, new AdminClient(uri, Fleet.TOKEN).images(Fleet.HW).size());
            try (Stream<Path> stored = Files.walk(dir.resolve("store"))) {
                assertEquals(0, stored.filter(Files::isRegularFile).count(), "nothing uploaded");
            }
        }
    }

    private Path token() throws Exception {
        Path token = dir.resolve("token");
        return Files.exists(token) ? token : Files.writeString(token, Fleet.TOKEN);
    }

    /** {@code release rollout} of version 2, exit 0, printing the server's line. */
    private void rollout(URI admin, String rollout, String expected) throws Exception {
        Fleet.Run r = Fleet.cli("release", "rollout", "--server", admin.toString(), "--admin-token-file",
                token().toString(), "--hardware-id", Long.toString(Fleet.HW), "--firmware-version", "2",
                "--rollout", rollout);
        assertEquals(0, r.exit(), r.err());
        assertEquals("release 2 for hardware " + Fleet.HW + ": " + expected + "\n", r.out());
        assertEquals("", r.err());
    }

    private HttpResponse<String> post(URI uri, String auth, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri.resolve("/admin/releases/rollout")).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
