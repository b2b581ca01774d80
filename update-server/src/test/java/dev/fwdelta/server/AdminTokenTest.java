// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty admin token must never open the admin API: the server refuses to start with one, and a
 * request without an Authorization header matches no stored hash, not even the hash of "".
 */
class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void theServerRefusesAnEmptyOrShortAdminTokenFileAtStart() throws Exception {
        for (String content : new String[] {"", "  \n", "short"}) {
            Path file = Files.writeString(dir.resolve("admin.token"), content);
            // Before the fix the server started (and ran until killed) with the hash of "" as its token.
            Fleet.Run run = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Fleet.cli("server",
                    "--admin-token-file", file.toString(), "--port", "0", "--data", dir.resolve("data").toString()));
            assertEquals(2, run.exit(), "'" + content + "': " + run.err());
            assertTrue(run.err().contains("--admin-token-file " + file), run.err());
            assertFalse(Files.exists(dir.resolve("data")), "refused before anything is created");
        }
    }

    /**
     * /dev/zero (or a pipe) reports no size and never ends: before, the size check passed and the
     * file was read whole until the heap ran out. The timeout only keeps a regression from hanging the build.
     */
    @Test
    void anAdminTokenFileWithoutEndIsRefusedAtItsLimit() throws Exception {
        Path endless = Files.createSymbolicLink(dir.resolve("admin.token"), Path.of("/dev/zero"));
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(IllegalArgumentException.class, () -> AdminToken.read(endless, null)));
        assertEquals("--admin-token-file " + endless + " has more than 1024 bytes; an admin token file has 0..1024"
                + " bytes", e.getMessage());
        Path large = Files.write(dir.resolve("large.token"), new byte[1025]);
        e = assertThrows(IllegalArgumentException.class, () -> AdminToken.read(large, null));
        assertEquals("--admin-token-file " + large + " has more than 1024 bytes; an admin token file has 0..1024"
                + " bytes", e.getMessage());
    }

    @Test
    void anEmptyOrShortTokenFromTheEnvironmentIsRefusedNamingTheVariable() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdminToken.read(null, " "));
        assertTrue(e.getMessage().contains(AdminToken.ENV), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdminToken.read(null, "abc"));
        assertTrue(e.getMessage().contains("at least " + AdminToken.MIN_LENGTH), e.getMessage());
        assertEquals(null, AdminToken.read(null, null), "not given: the server makes one");
        assertEquals(Fleet.TOKEN, AdminToken.read(Files.writeString(dir.resolve("t"), Fleet.TOKEN + "\n"), null));
    }

    @Test
    void aMissingAuthorizationHeaderMatchesNoStoredHashNotEvenTheHashOfEmpty() throws Exception {
        assertFalse(Credentials.matches(null, Credentials.hash("")));
        assertFalse(Credentials.matches("", Credentials.hash("")));
        assertFalse(Credentials.matches(Credentials.bearer(null), Credentials.hash("")));
        assertTrue(Credentials.matches(Fleet.TOKEN, Credentials.hash(Fleet.TOKEN)));
        // A server that was given hash("") anyway (the settings bypass the command's check).
        OtaServer.Settings s = new OtaServer.Settings("127.0.0.1", 0, "jdbc:sqlite:" + dir.resolve("db"), null, null,
                dir.resolve("store"), Credentials.hash(""), 1 << 20, null, null, null, null, null);
        try (OtaServer server = OtaServer.start(s)) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = Fleet.uri(server);
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("id=evil")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode(), "no Authorization header: " + none.body());
            HttpResponse<String> empty = http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices"))
                    .header("Authorization", "Bearer ").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("id=evil")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, empty.statusCode(), "an empty bearer token: " + empty.body());
        }
    }
}
