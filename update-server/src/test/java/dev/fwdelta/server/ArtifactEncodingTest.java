// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an artifact's answer says of its bytes holds whatever else a client sends (found by a review
 * of the server against docs/OTA.md): with Accept-Encoding: gzip, which browsers and most HTTP
 * libraries send, the web framework gzipped the body under the artifact's own Content-Length and
 * Content-Range; X-HTTP-Method-Override made a GET a HEAD (no body, the client waiting); a 416 had
 * no ETag; a device id the database cannot hold (a NUL byte) was a 500.
 */
class ArtifactEncodingTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private static byte[] artifact() {
        byte[] a = new byte[3000]; // compressible and past the framework's 1,500-byte threshold
        Arrays.fill(a, (byte) 7);
        a[2999] = 1;
        return a;
    }

    private URI upload(OtaServer server, byte[] artifact) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
        URI uri = Fleet.uri(server).resolve("/admin/artifacts/" + sha);
        assertEquals(201, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Fleet.TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(artifact)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        return uri;
    }

    private HttpRequest.Builder get(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Fleet.TOKEN);
    }

    @Test
    void anArtifactIsSentAsItsOwnBytesToAClientThatTakesGzip() throws Exception {
        byte[] artifact = artifact();
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = upload(server, artifact);
            HttpResponse<byte[]> whole = http.send(get(uri).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, whole.statusCode());
            assertTrue(whole.headers().firstValue("Content-Encoding").isEmpty(), whole.headers().toString());
            assertArrayEquals(artifact, whole.body());
            HttpResponse<byte[]> part = http.send(get(uri).header("Accept-Encoding", "gzip")
                    .header("Range", "bytes=1000-").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertEquals("bytes 1000-2999/3000", part.headers().firstValue("Content-Range").orElse("none"));
            assertArrayEquals(Arrays.copyOfRange(artifact, 1000, 3000), part.body());
        }
    }

    @Test
    void aMethodOverrideIsRefusedAndA416CarriesTheETag() throws Exception {
        byte[] artifact = artifact();
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = upload(server, artifact);
            HttpResponse<String> overridden = http.send(get(uri).header("X-HTTP-Method-Override", "HEAD").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, overridden.statusCode());
            assertEquals("error: X-HTTP-Method-Override is not taken: send the method itself\n", overridden.body());

            HttpResponse<String> past = http.send(get(uri).header("Range", "bytes=999999999-").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(416, past.statusCode());
            assertEquals("bytes */3000", past.headers().firstValue("Content-Range").orElse("none"));
            assertTrue(uri.getPath().endsWith(past.headers().firstValue("ETag").orElse("none").replace("\"", "")),
                    "the artifact's ETag: " + past.headers());
        }
    }

    @Test
    void aDeviceIdThatIsNoNameIsAnUnknownDevice() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            String basic = Base64.getEncoder().encodeToString("a\0b:x".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(Fleet.uri(server).resolve("/d/checkin"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("hw=1&ver=1&sha=" + "0".repeat(64))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("error: unknown device or wrong secret\n", r.body());
        }
    }
}
