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
 * A header the server reads (Authorization, Range, If-Range, Content-Type) given twice is 400
 * naming it, whichever of the two is the good one: the server does not pick one for the client.
 */
class RepeatedHeaderTest {
    @TempDir
    Path dir;

    @Test
    void aHeaderGivenTwiceIs400NamingIt() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-twice", "default");
            String device = "Basic " + Base64.getEncoder().encodeToString(("dev-twice:" + secret)
                    .getBytes(StandardCharsets.UTF_8));
            String admin = "Bearer " + Fleet.TOKEN;
            HttpRequest[] requests = {
                HttpRequest.newBuilder(uri.resolve("/admin/images?hw=1")).header("Authorization", admin)
                    .header("Authorization", "Bearer wrong").build(),
                HttpRequest.newBuilder(uri.resolve("/admin/images?hw=1")).header("Authorization", "Bearer wrong")
                    .header("Authorization", admin).build(),
                HttpRequest.newBuilder(uri.resolve("/d/checkin")).header("Authorization", device)
                    .header("Authorization", device).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("hw=1&ver=1&sha=" + "0".repeat(64))).build(),
            };
            for (HttpRequest r : requests) {
                HttpResponse<String> a = http.send(r, HttpResponse.BodyHandlers.ofString());
                assertEquals(400, a.statusCode(), r + ": " + a.body());
                assertEquals("error: Authorization is given 2 times: it may be given once\n", a.body());
            }
            HttpResponse<String> range = http.send(HttpRequest.newBuilder(uri.resolve("/admin/artifacts/"
                    + "0".repeat(64))).header("Authorization", admin).header("Range", "bytes=0-1")
                    .header("Range", "bytes=5-9").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, range.statusCode(), range.body());
            assertEquals("error: Range is given 2 times: it may be given once\n", range.body());
            HttpResponse<String> type = http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices"))
                    .header("Authorization", admin).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("id=dev-type"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, type.statusCode(), type.body());
            assertEquals("error: Content-Type is given 2 times: it may be given once\n", type.body());
            // Nothing was done: the device the last request would have added does not exist.
            assertEquals(404, http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices/dev-type"))
                    .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
