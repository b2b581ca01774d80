// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.server.publish.AdminClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device's hardware id is fixed by its first check-in: a later check-in claiming another (to be
 * offered another product's firmware) is 403 naming the field, and the recorded id stays until the
 * admin frees it (re-keying with {@code free_hw=1}).
 */
class DeviceHardwareTest {
    private static final String SHA = "00".repeat(32);

    @TempDir
    Path dir;

    @Test
    void aDeviceCannotClaimAnotherHardwareIdOnSqlite() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            claimAnother(Fleet.uri(server));
        }
    }

    @Test
    void aDeviceCannotClaimAnotherHardwareIdOnPostgres() throws Exception {
        try (Postgres pg = new Postgres();
             OtaServer server = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20))) {
            claimAnother(Fleet.uri(server));
        }
    }

    private static void claimAnother(URI uri) throws Exception {
        AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
        String secret = admin.addDevice("board-1", "default");
        HttpResponse<String> first = checkin(uri, secret, Fleet.HW);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(Long.toString(Fleet.HW), admin.device("board-1").split(" ")[1]);

        HttpResponse<String> other = checkin(uri, secret, Fleet.HW + 1);
        assertEquals(403, other.statusCode(), other.body());
        assertEquals("error: hw " + (Fleet.HW + 1) + " is not this device's hardware id " + Fleet.HW + "\n",
                other.body());
        assertEquals(Long.toString(Fleet.HW), admin.device("board-1").split(" ")[1], "the recorded id stays");

        HttpResponse<String> again = checkin(uri, secret, Fleet.HW);
        assertEquals(200, again.statusCode(), again.body());

        // Re-keyed without free_hw the id stays fixed; with it, the new secret's first check-in fixes another.
        String rekeyed = admin.addDevice("board-1", "default");
        assertEquals(403, checkin(uri, rekeyed, Fleet.HW + 1).statusCode());
        String freed = admin.addDevice("board-1", "default", true);
        assertEquals(401, checkin(uri, rekeyed, Fleet.HW).statusCode(), "the secret before is gone");
        assertEquals("board-1 null", admin.device("board-1").substring(0, "board-1 null".length()));
        HttpResponse<String> moved = checkin(uri, freed, Fleet.HW + 1);
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals(Long.toString(Fleet.HW + 1), admin.device("board-1").split(" ")[1]);
        assertEquals(403, checkin(uri, freed, Fleet.HW).statusCode(), "fixed again by that check-in");
    }

    @Test
    void freeHwTakesZeroOrOneOnly() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/admin/devices"))
                    .header("Authorization", "Bearer " + Fleet.TOKEN)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("id=board-1&free_hw=yes")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode());
            assertEquals("error: free_hw must be a decimal number from 0 to 1\n", r.body());
        }
    }

    private static HttpResponse<String> checkin(URI uri, String secret, long hw) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString(("board-1:" + secret).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/d/checkin"))
                .header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("hw=" + hw + "&ver=1&sha=" + SHA)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
