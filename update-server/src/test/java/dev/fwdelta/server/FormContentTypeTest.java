// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A form route reads a body sent as another type (JSON, multipart, text) not as a form it happens to
 * parse as: 415 naming Content-Type and what it may be, and nothing done. A body with no Content-Type
 * (a small MCU client) is read as a form, as before.
 */
class FormContentTypeTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFormSentAsAnotherTypeIs415AndChangesNothing(@TempDir Path dir) throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            for (String type : new String[] {"application/json", "multipart/form-data; boundary=zz", "text/plain"}) {
                HttpResponse<String> r = http.send(addDevice(uri, "dev-typed").header("Content-Type", type).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(415, r.statusCode(), type + ": " + r.body());
                assertEquals("error: Content-Type must be application/x-www-form-urlencoded (or none), got " + type
                        + "\n", r.body());
            }
            assertEquals(404, http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices/dev-typed"))
                    .header("Authorization", "Bearer " + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "no device was added");
            HttpResponse<String> form = http.send(addDevice(uri, "dev-form")
                    .header("Content-Type", "Application/X-WWW-Form-Urlencoded ; charset=UTF-8").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, form.statusCode(), form.body());
            HttpResponse<String> none = http.send(addDevice(uri, "dev-untyped").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, none.statusCode(), none.body());
        }
    }

    private static HttpRequest.Builder addDevice(URI uri, String id) {
        return HttpRequest.newBuilder(uri.resolve("/admin/devices")).header("Authorization", "Bearer " + Fleet.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("id=" + id));
    }
}
