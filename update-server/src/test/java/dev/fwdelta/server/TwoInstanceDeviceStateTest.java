// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Two instances over one PostgreSQL and one store, each request of a device's life on the other
 * instance than the one before: what one changes about a device (registered, re-keyed, its hardware
 * id fixed or freed, offered an update, its report) the other acts on at once, since neither keeps
 * any of it in memory.
 */
class TwoInstanceDeviceStateTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(URI server, String path, String auth, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(server.resolve(path)).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeviceChangedThroughOneInstanceIsSeenByTheOther() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (Postgres pg = new Postgres();
             OtaServer a = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             OtaServer b = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20))) {
            URI ua = Fleet.uri(a);
            URI ub = Fleet.uri(b);
            fleet.publishAll(ua);
            AdminClient adminA = new AdminClient(ua, Fleet.TOKEN);
            AdminClient adminB = new AdminClient(ub, Fleet.TOKEN);
            String checkin = "hw=" + Fleet.HW + "&ver=1&sha=" + "0".repeat(64);

            // Registered on B (provisioning), known on A.
            HttpResponse<String> reg = post(ub, "/d/register", "Bearer " + Fleet.PROVISIONING, "id=twin&group=beta");
            assertEquals(200, reg.statusCode(), reg.body());
            String first = reg.body().strip();
            assertTrue(adminA.device("twin").startsWith("twin null "), adminA.device("twin"));

            // Offered on A, downloadable and reportable on B, the report seen on A.
            HttpResponse<String> offer = post(ua, "/d/checkin", basic("twin", first), checkin);
            assertTrue(offer.body().startsWith("update 3 "), offer.body());
            String url = offer.body().strip().split(" ")[4];
            HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(ub.resolve(url))
                    .header("Authorization", basic("twin", first)).header("Range", "bytes=0-255").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertEquals(256, part.body().length);
            assertEquals(200, post(ub, "/d/report", basic("twin", first), "ver=3&status=staged&err=0").statusCode());
            assertTrue(adminA.device("twin").endsWith(" staged 0"), adminA.device("twin"));

            // Its hardware id, fixed by the check-in on A, holds on B.
            assertEquals(403, post(ub, "/d/checkin", basic("twin", first), "hw=" + (Fleet.HW + 1)
                    + "&ver=1&sha=" + "0".repeat(64)).statusCode());

            // Re-keyed on B (and freed): A refuses the old secret at once and takes the new one,
            // which fixes another hardware id.
            String second = adminB.addDevice("twin", "beta", true);
            assertEquals(401, post(ua, "/d/checkin", basic("twin", first), checkin).statusCode());
            HttpResponse<String> other = post(ua, "/d/checkin", basic("twin", second), "hw=" + (Fleet.HW + 1)
                    + "&ver=1&sha=" + "0".repeat(64));
            assertEquals("none\n", other.body());
            assertEquals(Long.toString(Fleet.HW + 1), adminB.device("twin").split(" ")[1]);
            // That check-in offered nothing: a report of 3 is refused on B too.
            assertEquals(409, post(ub, "/d/report", basic("twin", second), "ver=3&status=installed&err=0")
                    .statusCode());
        }
    }
}
