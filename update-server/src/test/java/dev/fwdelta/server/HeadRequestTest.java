// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.publish.AdminClient;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HEAD of a GET route is answered as the GET would be, headers only: its credentials are checked
 * and what does not exist is 404, never an empty 200 that says an artifact is there with 0 bytes.
 */
class HeadRequestTest {
    private static final byte[] ARTIFACT = "five thousand bytes would do as well".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private OtaServer server;
    private URI uri;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = Fleet.sqliteServer(dir);
        uri = Fleet.uri(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> head(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri.resolve(path)).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void headChecksCredentialsAndExistenceAsGetDoes() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ARTIFACT));
        String admin = "Bearer " + Fleet.TOKEN;
        assertEquals(201, http.send(HttpRequest.newBuilder(uri.resolve("/admin/artifacts/" + sha))
                .header("Authorization", admin).PUT(HttpRequest.BodyPublishers.ofByteArray(ARTIFACT)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-head", "default");
        String device = "Basic " + Base64.getEncoder().encodeToString(("dev-head:" + secret)
                .getBytes(StandardCharsets.UTF_8));

        assertEquals(401, head("/d/artifacts/" + sha, null).statusCode(), "no credentials");
        assertEquals(401, head("/d/artifacts/" + sha, "Basic " + Base64.getEncoder().encodeToString(
                "dev-head:wrong".getBytes(StandardCharsets.UTF_8))).statusCode(), "wrong secret");
        assertEquals(404, head("/d/artifacts/" + sha, device).statusCode(), "not offered to this device");
        assertEquals(404, head("/admin/artifacts/" + "0".repeat(64), admin).statusCode(), "not stored");
        assertEquals(404, head("/admin/devices/nobody", admin).statusCode(), "no such device");
        assertEquals(400, head("/admin/images?hw=x", admin).statusCode(), "bad hw");

        HttpResponse<String> stored = head("/admin/artifacts/" + sha, admin);
        assertEquals(200, stored.statusCode());
        assertEquals(String.valueOf(ARTIFACT.length), stored.headers().firstValue("Content-Length").orElse("none"));
        assertEquals("bytes", stored.headers().firstValue("Accept-Ranges").orElse("none"));
        // On the wire: the headers a GET has and not one byte of body after them.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("HEAD /admin/artifacts/" + sha + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String[] answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .split("\r\n\r\n", 2);
            assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0]);
            assertTrue(answer[0].toLowerCase(Locale.ROOT).contains("content-length: " + ARTIFACT.length), answer[0]);
            assertEquals("", answer[1]);
        }
    }
}
