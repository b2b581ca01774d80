// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta server --port}: a port outside 0..65535 is a usage error (exit 2) naming the
 * option, before anything is created; a port it cannot listen on (busy) is one line naming host
 * and port, exit 5, as any I/O failure: never "internal error" with a stack trace, and nothing
 * else on standard error (no log line of Javalin's or Jetty's before it).
 */
class ServerPortTest {
    @TempDir
    Path dir;

    @Test
    void aPortOutsideTheRangeIsAUsageErrorNamingIt() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        for (String port : new String[] {"65536", "70000", "-1"}) {
            Fleet.Run r = Fleet.cli("server", "--port", port, "--data", dir.resolve("data").toString(),
                    "--admin-token-file", token.toString());
            assertEquals(2, r.exit(), port + ": " + r.err());
            assertEquals("fwdelta: error: --port must be 0 to 65535, got " + port + " (see 'fwdelta server --help')",
                    r.err().strip(), port);
            assertFalse(Files.exists(dir.resolve("data")), "nothing created");
        }
    }

    @Test
    void aBusyPortIsOneLineNamingHostAndPort() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Fleet.Run r = Fleet.cli("server", "--port", Integer.toString(port), "--data", dir.resolve("data").toString(),
                    "--admin-token-file", token.toString());
            assertEquals(5, r.exit(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("fwdelta: error: cannot listen on 127.0.0.1:" + port + ": "), r.err());
        }
    }

    /**
     * The same in a process of its own, as an operator runs it: its whole standard error is our one
     * line. The line above is the command's; Javalin logged its own "Failed to start Javalin" to
     * System.err first, which only the process's standard error shows.
     */
    @Test
    void aBusyPortIsTheProcesssOnlyErrorLine() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            Process p = ServerProcess.start(dir, "server", "--port", Integer.toString(port),
                    "--data", dir.resolve("data").toString(), "--admin-token-file", token.toString());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "no exit in 120 s");
            String err = Files.readString(dir.resolve("err"));
            assertEquals(5, p.exitValue(), err);
            assertTrue(err.matches("fwdelta: error: cannot listen on 127\\.0\\.0\\.1:" + port + ": [^\n]+\n"), err);
            assertEquals("", Files.readString(dir.resolve("out")));
        }
    }
}
