// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code fwdelta server} that does not start leaves the disk as it was: the port is bound before
 * anything is created under {@code --data} or {@code --store}, and a later failure (the database,
 * the store) removes what this run created. The user sees one error line and the documented exit code.
 */
class ServerStartCleanupTest {
    @TempDir
    Path dir;

    @Test
    void aBusyPortCreatesNoDataDirectory() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path data = dir.resolve("data");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Fleet.Run r = Fleet.cli("server", "--port", Integer.toString(port), "--data", data.toString(),
                    "--admin-token-file", token.toString());
            assertEquals(5, r.exit(), r.err());
            assertEquals("fwdelta: error: cannot listen on 127.0.0.1:" + port + ": Address already in use",
                    r.err().strip());
        }
        assertFalse(Files.exists(data), "a failed start created " + data);
    }

    @Test
    void aBusyPortLeavesAnExistingEmptyDataDirectoryEmpty() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path data = Files.createDirectory(dir.resolve("data"));
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Fleet.Run r = Fleet.cli("server", "--port", Integer.toString(busy.getLocalPort()),
                    "--data", data.toString(), "--admin-token-file", token.toString());
            assertEquals(5, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        assertEquals(List.of(), list(data));
    }

    @Test
    void aBusyPortCreatesNoStore() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Path db = dir.resolve("db");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Fleet.Run r = Fleet.cli("server", "--port", Integer.toString(busy.getLocalPort()),
                    "--db", "jdbc:sqlite:" + db.resolve("x.db"), "--store", store.toString(),
                    "--admin-token-file", token.toString());
            assertEquals(5, r.exit(), r.err());
        }
        assertFalse(Files.exists(store), "a failed start created " + store);
    }

    /**
     * The store cannot be made (a file is where its directory goes): the database the run had
     * created already is removed with the data directory, and the error names the path.
     */
    @Test
    void aStoreThatCannotBeMadeRemovesTheNewDatabase() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path data = dir.resolve("data");
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
        Fleet.Run r = Fleet.cli("server", "--port", "0", "--data", data.toString(),
                "--store", blocker.resolve("artifacts").toString(), "--admin-token-file", token.toString());
        assertEquals(5, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("fwdelta: error: "), r.err());
        assertTrue(r.err().contains(blocker.toString()), r.err());
        assertFalse(Files.exists(data), "a failed start left " + data + ": " + (Files.exists(data) ? list(data) : ""));
        assertEquals("x", Files.readString(blocker), "what was there is untouched");
    }

    /** A --db URL no driver takes: a usage error naming the option, nothing created (the store included). */
    @Test
    void aDatabaseUrlNoDriverTakesCreatesNothing() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path store = dir.resolve("store");
        Fleet.Run r = Fleet.cli("server", "--port", "0", "--db", "jdbc:nosuchdb://x/y", "--store", store.toString(),
                "--admin-token-file", token.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("fwdelta: error: --db: no database driver of this server takes 'jdbc:nosuchdb://x/y' (it has"
                + " jdbc:postgresql://HOST/DB and jdbc:sqlite:FILE) (see 'fwdelta server --help')", r.err().strip());
        assertFalse(Files.exists(store), "a failed start created " + store);
    }

    private static List<Path> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
