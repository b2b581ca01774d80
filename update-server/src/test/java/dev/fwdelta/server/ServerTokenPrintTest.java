// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.fwdelta.server.publish.AdminClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta server} without an admin token makes one up and prints it once, only when it is
 * listening: a start that fails prints its error line alone, and the token printed by a good start
 * is the one the server takes.
 */
class ServerTokenPrintTest {
    private static final String TOKEN_LINE = "admin token (shown once; set " + AdminToken.ENV + " for clients): ";

    @TempDir
    Path dir;

    @Test
    void aStartThatFailsPrintsNoToken() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Process p = ServerProcess.start(dir, "server", "--port", Integer.toString(busy.getLocalPort()),
                    "--data", dir.resolve("data").toString());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "no exit in 120 s");
            String err = Files.readString(dir.resolve("err"));
            assertEquals(5, p.exitValue(), err);
            assertEquals(List.of("fwdelta: error: cannot listen on 127.0.0.1:" + busy.getLocalPort()
                    + ": Address already in use"), err.lines().toList());
        }
    }

    @Test
    void aGoodStartPrintsTheTokenOnceAfterItListens() throws Exception {
        Process p = ServerProcess.start(dir, "server", "--port", "0", "--data", dir.resolve("data").toString());
        try {
            List<String> lines = List.of();
            for (int wait = 0; wait < 1200 && lines.size() < 2 && p.isAlive(); wait++) {
                Thread.sleep(100);
                lines = Files.readString(dir.resolve("err")).lines().toList();
            }
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("fwdelta server on http://127.0.0.1:"), lines.get(0));
            assertTrue(lines.get(1).startsWith(TOKEN_LINE), lines.get(1));
            int port = Integer.parseInt(lines.get(0).replaceFirst("fwdelta server on http://127\\.0\\.0\\.1:(\\d+) .*", "$1"));
            String token = lines.get(1).substring(TOKEN_LINE.length());
            AdminClient admin = new AdminClient(URI.create("http://127.0.0.1:" + port + "/"), token);
            assertEquals(64, admin.addDevice("board-1", "default").length(), "the printed token is the server's");
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        long tokenLines = Files.readString(dir.resolve("err")).lines().filter(l -> l.startsWith(TOKEN_LINE)).count();
        assertEquals(1, tokenLines);
    }
}
