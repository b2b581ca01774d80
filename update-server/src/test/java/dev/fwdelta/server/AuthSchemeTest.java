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
 * The scheme of an Authorization header is case-insensitive (RFC 9110 11.1): a device client that
 * writes {@code basic} or a script that writes {@code bearer} is let in as with {@code Basic} and
 * {@code Bearer}; what follows the scheme is read as before, and a malformed one is still 401.
 */
class AuthSchemeTest {
    @Test
    void theSchemeIsReadWhateverItsCase(@TempDir Path dir) throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            String secret = new AdminClient(Fleet.uri(server), Fleet.TOKEN).addDevice("dev-case", "default");
            URI uri = Fleet.uri(server);
            String pair = Base64.getEncoder().encodeToString(("dev-case:" + secret).getBytes(StandardCharsets.UTF_8));
            for (String scheme : new String[] {"basic", "BASIC", "bAsIc"}) {
                assertEquals(200, status(checkin(uri, scheme + " " + pair)), scheme);
            }
            assertEquals(401, status(checkin(uri, "basic " + Base64.getEncoder().encodeToString(
                    "dev-case".getBytes(StandardCharsets.UTF_8)))), "no colon: no secret");
            assertEquals(401, status(checkin(uri, "basic ####")), "not Base64");
            for (String scheme : new String[] {"bearer", "BEARER"}) {
                assertEquals(200, status(HttpRequest.newBuilder(uri.resolve("/admin/images?hw=1"))
                        .header("Authorization", scheme + " " + Fleet.TOKEN)), scheme);
                assertEquals(200, status(HttpRequest.newBuilder(uri.resolve("/d/register"))
                        .header("Authorization", scheme + " " + Fleet.PROVISIONING)
                        .POST(HttpRequest.BodyPublishers.ofString("id=reg-" + scheme))), scheme);
            }
            assertEquals(401, status(HttpRequest.newBuilder(uri.resolve("/admin/images?hw=1"))
                    .header("Authorization", "bearer " + Fleet.TOKEN + " x")), "a token with a space is another token");
        }
    }

    private static HttpRequest.Builder checkin(URI uri, String authorization) {
        return HttpRequest.newBuilder(uri.resolve("/d/checkin")).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("hw=1&ver=1&sha=" + "0".repeat(64)));
    }

    private final HttpClient http = HttpClient.newHttpClient();

    private int status(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
