// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query string on a route that reads none (every one but GET /admin/images) is 400 naming it, not
 * ignored: a check-in whose hw is in the query and another in the body would be answered for the
 * body's, and one with its fields in the query alone was told hw is missing.
 */
class UnexpectedQueryTest {
    @Test
    void aQueryOnARouteThatTakesNoneIs400(@TempDir Path dir) throws Exception {
        String admin = "Bearer " + Fleet.TOKEN;
        HttpClient client = HttpClient.newHttpClient();
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI base = Fleet.uri(server);
            HttpResponse<String> add = client.send(HttpRequest.newBuilder(base.resolve("/admin/devices?group=beta"))
                    .header("Authorization", admin).POST(HttpRequest.BodyPublishers.ofString("id=dev-q")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, add.statusCode(), add.body());
            assertEquals("error: query string: POST /admin/devices takes none (its fields go in the form body),"
                    + " got group=beta\n", add.body());
            for (String path : new String[] {"/admin/devices/dev-q?x=1", "/admin/artifacts/" + "0".repeat(64) + "?a"}) {
                HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, get.statusCode(), path + ": " + get.body());
            }
            HttpResponse<String> images = client.send(HttpRequest.newBuilder(base.resolve("/admin/images?hw=1"))
                    .header("Authorization", admin).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, images.statusCode(), images.body());
            HttpResponse<String> added = client.send(HttpRequest.newBuilder(base.resolve("/admin/devices"))
                    .header("Authorization", admin).POST(HttpRequest.BodyPublishers.ofString("id=dev-q")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, added.statusCode(), added.body());
        }
    }

    /** The web page's files are not routes: a query on them (a browser's cache buster) is no error. */
    @Test
    void aQueryOnAWebFileIsNoError(@TempDir Path dir) throws Exception {
        Path web = Files.createDirectories(dir.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<p>fwdelta</p>");
        OtaServer.Settings s = Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), 1 << 20);
        try (OtaServer server = OtaServer.start(new OtaServer.Settings(s.host(), 0, s.jdbcUrl(), null, null, s.store(),
                s.adminTokenHash(), s.maxUpload(), null, null, null, web, s.provisioningTokenHash()))) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(Fleet.uri(server)
                    .resolve("/web/index.html?v=2")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            assertEquals("<p>fwdelta</p>", page.body());
        }
    }
}
