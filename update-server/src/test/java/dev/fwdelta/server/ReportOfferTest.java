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
 * A device reports on the update its last check-in offered it. A report of any other version (an
 * install of a release never offered, or of none at all) is 409 naming the offered version, and
 * changes nothing: the device's row, which the admin reads, keeps what it said before.
 */
class ReportOfferTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> report(URI uri, String id, String secret, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri.resolve("/d/report"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReportOfAVersionNotOfferedIs409AndChangesNothing() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            String secret = admin.addDevice("dev-rep", "default");

            HttpResponse<String> before = report(uri, "dev-rep", secret, "ver=3&status=installed&err=0");
            assertEquals(409, before.statusCode(), before.body());
            assertEquals("error: ver 3 is not the version offered to this device at its last check-in"
                    + " (none was offered)\n", before.body());

            assertTrue(Fleet.checkin(uri, "dev-rep", secret, "0".repeat(64)).startsWith("update 3 "));
            HttpResponse<String> never = report(uri, "dev-rep", secret, "ver=9&status=installed&err=0");
            assertEquals(409, never.statusCode(), never.body());
            assertEquals("error: ver 9 is not the version offered to this device at its last check-in (3)\n",
                    never.body());
            assertTrue(admin.device("dev-rep").endsWith(" null null"), admin.device("dev-rep"));

            HttpResponse<String> offered = report(uri, "dev-rep", secret, "ver=3&status=staged&err=0");
            assertEquals(200, offered.statusCode(), offered.body());
            assertTrue(admin.device("dev-rep").endsWith(" staged 0"), admin.device("dev-rep"));
            assertEquals(409, report(uri, "dev-rep", secret, "ver=2&status=failed&err=23").statusCode());
            assertTrue(admin.device("dev-rep").endsWith(" staged 0"), admin.device("dev-rep"));
        }
    }
}
