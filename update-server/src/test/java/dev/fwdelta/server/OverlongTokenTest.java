// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server reads an Authorization header of at most 400 characters, so a token longer than what
 * fits after "Bearer " could never be sent: such an admin or provisioning token is refused at
 * start (exit 2, naming where it came from and the limit), not taken and then every request
 * refused. A longer header is 401 naming the limit.
 */
class OverlongTokenTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anAdminTokenLongerThanAHeaderHoldsIsRefusedAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("admin.token"), "t".repeat(Credentials.MAX_TOKEN_LENGTH + 1));
        Fleet.Run run = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Fleet.cli("server",
                "--admin-token-file", file.toString(), "--port", "0", "--data", dir.resolve("data").toString()));
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("--admin-token-file " + file + " holds a token of 394 characters; at most 393"),
                run.err());
        assertFalse(Files.exists(dir.resolve("data")), "refused before anything is created");
    }

    @Test
    void aProvisioningTokenLongerThanAHeaderHoldsIsRefusedAtStart() throws Exception {
        Files.writeString(dir.resolve("admin.token"), Fleet.TOKEN);
        Process p = ServerProcess.start(dir, Map.of("FWDELTA_LONG_PROVISIONING", "p".repeat(500)), "server",
                "--admin-token-file", dir.resolve("admin.token").toString(), "--port", "0", "--data",
                dir.resolve("data").toString(), "--provisioning-token-env", "FWDELTA_LONG_PROVISIONING");
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server started with a token no request can carry");
            assertEquals(2, p.exitValue());
            String err = Files.readString(dir.resolve("err"));
            assertTrue(err.contains("--provisioning-token-env: FWDELTA_LONG_PROVISIONING holds a token of 500"
                    + " characters; at most 393"), err);
        } finally {
            p.destroy();
        }
    }

    /** A provisioning token lets anyone who holds it register devices: a short one was taken. */
    @Test
    void aProvisioningTokenShorterThanAnAdminTokenIsRefusedAtStart() throws Exception {
        Files.writeString(dir.resolve("admin.token"), Fleet.TOKEN);
        Process p = ServerProcess.start(dir, Map.of("FWDELTA_SHORT_PROVISIONING", "p"), "server",
                "--admin-token-file", dir.resolve("admin.token").toString(), "--port", "0", "--data",
                dir.resolve("data").toString(), "--provisioning-token-env", "FWDELTA_SHORT_PROVISIONING");
        try {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server started with a one-character token");
            assertEquals(2, p.exitValue());
            String err = Files.readString(dir.resolve("err"));
            assertTrue(err.contains("--provisioning-token-env: FWDELTA_SHORT_PROVISIONING holds a token of 1"
                    + " characters; at least 16 are needed"), err);
            assertFalse(Files.exists(dir.resolve("data")), "refused before anything is created");
        } finally {
            p.destroy();
        }
    }

    @Test
    void theLongestTokenWorksAndALongerHeaderIs401NamingTheLimit() throws Exception {
        String token = "k".repeat(Credentials.MAX_TOKEN_LENGTH);
        assertEquals(token, AdminToken.read(Files.writeString(dir.resolve("t"), token), null));
        OtaServer.Settings s = new OtaServer.Settings("127.0.0.1", 0, "jdbc:sqlite:" + dir.resolve("db"), null, null,
                dir.resolve("store"), Credentials.hash(token), 1 << 20, null, null, null, null, null);
        try (OtaServer server = OtaServer.start(s)) {
            URI uri = Fleet.uri(server);
            assertEquals(200, http.send(HttpRequest.newBuilder(uri.resolve("/admin/images?hw=1"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String[] r : new String[][] {{"/admin/images?hw=1", "Bearer " + token + "k"},
                {"/d/artifacts/" + "0".repeat(64), "Basic " + "QUJD".repeat(99)}}) {
                HttpResponse<String> a = http.send(HttpRequest.newBuilder(uri.resolve(r[0])).header("Authorization", r[1])
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, a.statusCode(), r[0]);
                assertEquals("error: Authorization must be at most 400 characters, got " + r[1].length() + "\n",
                        a.body(), r[0]);
            }
        }
    }
}
