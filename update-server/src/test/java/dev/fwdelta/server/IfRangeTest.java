// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * If-Range (RFC 9110 13.1.5): a client continuing a download sends the validator of the bytes it
 * holds; when they are not the artifact's it must get the whole artifact, not a piece to append to
 * other bytes. An artifact's validator is its SHA-256, sent as its ETag.
 */
class IfRangeTest {
    @TempDir
    Path dir;

    @Test
    void aRangeWithAnIfRangeThatIsNotTheArtifactsIsTheWholeArtifact() throws Exception {
        byte[] artifact = new byte[3000];
        Arrays.fill(artifact, (byte) 7);
        artifact[2999] = 1;
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
        HttpClient http = HttpClient.newHttpClient();
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server).resolve("/admin/artifacts/" + sha);
            assertEquals(201, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Fleet.TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(artifact)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            String etag = "\"" + sha + "\"";
            for (String other : new String[] {"\"" + "0".repeat(64) + "\"", "W/\"" + sha + "\"",
                "Sun, 06 Dec 2026 10:00:00 GMT"}) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer "
                        + Fleet.TOKEN).header("Range", "bytes=2990-").header("If-Range", other).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode(), other);
                assertArrayEquals(artifact, r.body(), other);
                assertTrue(r.headers().firstValue("Content-Range").isEmpty(), other);
            }
            HttpResponse<byte[]> same = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer "
                    + Fleet.TOKEN).header("Range", "bytes=2990-").header("If-Range", etag).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, same.statusCode());
            assertEquals(10, same.body().length);
            assertEquals("bytes 2990-2999/3000", same.headers().firstValue("Content-Range").orElse("none"));
            assertEquals(etag, same.headers().firstValue("ETag").orElse("none"), "what a client sends back");
        }
    }
}
