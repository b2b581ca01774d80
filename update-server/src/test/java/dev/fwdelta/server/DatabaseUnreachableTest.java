// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta server --db URL} with a database it cannot open (nothing listening, a host that does
 * not resolve, a login PostgreSQL refuses) is the user's setup, not a bug: one line naming the URL
 * without its password and why, exit 5 (as for an update server that cannot be reached), and the
 * disk left as it was (no --store).
 */
class DatabaseUnreachableTest {
    private static final String PASSWORD = "hunter2-not-to-be-printed";

    @TempDir
    Path dir;

    @Test
    void aPortWithNothingListeningIsOneLineNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String shown = "jdbc:postgresql://127.0.0.1:" + port + "/fwdelta?user=fwdelta&password=*";
        String why = refusedStart("jdbc:postgresql://127.0.0.1:" + port + "/fwdelta?user=fwdelta&password=" + PASSWORD,
                shown);
        assertTrue(why.startsWith("Connection to 127.0.0.1:" + port + " refused"), why);
    }

    @Test
    void aHostThatDoesNotResolveIsSaid() throws Exception {
        String url = "jdbc:postgresql://fwdelta-test-db.invalid/fwdelta";
        String why = refusedStart(url, url);
        assertTrue(why.startsWith("host not found"), why);
    }

    /**
     * A real PostgreSQL refusing the login: a role it does not have, with a password (under password
     * authentication it says "password authentication failed", under trust "role does not exist";
     * both name the user).
     */
    @Test
    void aLoginPostgresqlRefusesIsOneLineNamingTheUrl() throws Exception {
        String url;
        try (Postgres pg = new Postgres()) {
            int q = pg.url.indexOf('?');
            url = (q < 0 ? pg.url : pg.url.substring(0, q)) + "?user=fwdelta_no_such_role&password=" + PASSWORD;
        }
        String why = refusedStart(url, DatabaseUnreachableException.withoutPassword(url));
        assertTrue(why.startsWith("FATAL: ") && why.contains("\"fwdelta_no_such_role\""), why);
    }

    /** Starts a server on {@code url}; checks the one error line, exit 5 and that nothing was created; returns why. */
    private String refusedStart(String url, String shownUrl) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Fleet.Run r = Fleet.cli("server", "--port", "0", "--db", url, "--store", store.toString(),
                "--admin-token-file", token.toString());
        assertEquals(5, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains(PASSWORD), r.err());
        String prefix = "fwdelta: error: cannot open database " + shownUrl + ": ";
        assertTrue(r.err().startsWith(prefix), r.err());
        assertFalse(Files.exists(store), "a failed start created " + store);
        return r.err().strip().substring(prefix.length());
    }
}
