// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a certificate, the server speaks HTTPS, and only HTTPS. */
class OtaTlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsWithTheGivenCertificate() throws Exception {
        Path p12 = TestCertificate.create(dir);
        OtaServer.Settings s = TestCertificate.httpsSettings(dir, p12);
        int port = s.port();
        try (OtaServer server = OtaServer.start(s)) {
            SSLContext ctx = TestCertificate.trusting(p12);
            HttpClient https = HttpClient.newBuilder().sslContext(ctx).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + "/admin/images?hw=1")).header("Authorization", "Bearer " + Fleet.TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // The HTTPS connector speaks as the plain one does (Javalin's HTTP configuration): no
            // Server header naming Jetty's version, and a path read by the same rules.
            assertEquals("none", r.headers().firstValue("Server").orElse("none"));
            HttpResponse<String> slash = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + "/admin/devices/a%2Fb")).header("Authorization", "Bearer " + Fleet.TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("400 error: id must be 1 to 64 of A-Z a-z 0-9 . _ -\n", slash.statusCode() + " " + slash.body());
            HttpClient plain = HttpClient.newHttpClient();
            assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/admin/images?hw=1")).header("Authorization", "Bearer " + Fleet.TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }
}
