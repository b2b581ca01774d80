// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that takes each connection and closes it without an answer, as one refusing connections
 * past its per-address limit does: at once, or after reading the request's head. {@code device poll}
 * and {@code release publish} say alike (one piece of code, HttpSend) which request's connection was
 * closed before its answer, not that the server cannot be reached nor Java's "header parser received
 * no bytes"; exit 5.
 */
class ClosingServerTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closedAtOnce() throws Exception {
        bothCommandsSayClosed(false);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closedAfterTheRequestHead() throws Exception {
        bothCommandsSayClosed(true);
    }

    private void bothCommandsSayClosed(boolean readHead) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef");
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path image = Files.write(dir.resolve("image.bin"), new byte[4096]);
        Path key = dir.resolve("release.pem");
        assertEquals(0, Main.commandLine().execute("keygen", "-o", key.toString()));
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger closed = new AtomicInteger();
            Thread t = new Thread(() -> closeEach(listener, readHead, closed));
            t.setDaemon(true);
            t.start();
            String server = "http://127.0.0.1:" + listener.getLocalPort() + "/";
            Fleet.Run poll = Fleet.cli("device", "poll", "--server", server, "--id", "board-1", "--secret-file",
                    secret.toString(), "--layout", "stm32l4-512k", "--image", image.toString(), "--flash-file",
                    dir.resolve("flash").toString(), "--hardware-id", "7");
            assertEquals(5, poll.exit(), poll.err());
            assertClosedLine("check-in: the connection to " + server + "d/checkin", poll.err());
            Fleet.Run publish = Fleet.cli("release", "publish", "--server", server, "--admin-token-file",
                    token.toString(), "--image", image.toString(), "--key", key.toString(), "--hardware-id", "7",
                    "--firmware-version", "2");
            assertEquals(5, publish.exit(), publish.err());
            assertClosedLine("GET /admin/images: the connection to " + server + "admin/images?hw=7", publish.err());
            assertTrue(closed.get() >= 2, "connections taken and closed: " + closed.get());
        }
    }

    private static void assertClosedLine(String start, String err) {
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("fwdelta: error: " + start + " was closed before a complete answer came ("), err);
    }

    /** Takes each connection and closes it, after reading up to the request's blank line if {@code readHead}. */
    private static void closeEach(ServerSocket listener, boolean readHead, AtomicInteger closed) {
        while (true) {
            try (Socket s = listener.accept()) {
                if (readHead) {
                    InputStream in = s.getInputStream();
                    int last4 = 0;
                    for (int b; last4 != 0x0D0A0D0A && (b = in.read()) >= 0; ) {
                        last4 = last4 << 8 | b;
                    }
                }
                closed.incrementAndGet();
            } catch (IOException e) {
                return; // the listener closed: the test is over
            }
        }
    }
}
