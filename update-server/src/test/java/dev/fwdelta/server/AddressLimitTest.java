// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --max-connections-per-address 2}, two connections from one address are served and a
 * third is closed at once, unanswered, while they stay served; once one closes, a new one is
 * served. The server hears of a close a moment after the client made it, so a connection right
 * after one is tried again a bounded number of times; each refusal is immediate, so the attempts
 * count connections, not time.
 */
class AddressLimitTest {
    private static final int LIMIT = 2;
    /** How many connections in a row may be refused while the server is still to hear of a close. */
    private static final int ATTEMPTS = 500;
    private static final int READ_MILLIS = 10_000;
    private static final String REQUEST = RawHttp.IMAGES_REQUEST;

    @TempDir
    Path dir;

    private OtaServer limitedServer() throws Exception {
        return OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), 1 << 20)
                .withMaxConnectionsPerAddress(LIMIT));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aConnectionPastTheLimitIsClosedAndTheOthersServed() throws Exception {
        try (OtaServer server = limitedServer()) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    open.add(served(server.port()));
                }
                assertRefused(new Socket("127.0.0.1", server.port()));
                for (Socket s : open) {
                    s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                    assertTrue(answer(s).startsWith("HTTP/1.1 200 "), "a connection within the limit is served still");
                }
                open.remove(0).close();
                open.add(served(server.port()));
                assertRefused(new Socket("127.0.0.1", server.port()));
            } finally {
                closeAll(open);
            }
        }
    }

    /**
     * Connections opened and closed many times over, some closed by the client, some by the server
     * (Connection: close), some refused: each is counted until it closes and no longer, so the limit
     * admits as many as before at the end. A count left behind would refuse every connection; a
     * refused one counted off without having been counted on would admit a third.
     */
    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void noCountIsLeftBehind() throws Exception {
        try (OtaServer server = limitedServer()) {
            for (int cycle = 0; cycle < 100; cycle++) {
                try (Socket a = served(server.port()); Socket b = served(server.port())) {
                    assertRefused(new Socket("127.0.0.1", server.port()));
                    if (cycle % 2 == 0) {
                        a.getOutputStream().write(REQUEST.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        assertTrue(answer(a).startsWith("HTTP/1.1 200 "), "cycle " + cycle);
                        assertEquals(-1, a.getInputStream().read(), "closed by the server after Connection: close");
                    }
                }
            }
            try (Socket a = served(server.port()); Socket b = served(server.port())) {
                assertRefused(new Socket("127.0.0.1", server.port()));
            }
        }
    }

    /** A TLS connection counts once, as a plain one does: two are served, a third is closed before its handshake. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTlsConnectionCountsOnce() throws Exception {
        Path p12 = TestCertificate.create(dir);
        SSLContext tls = TestCertificate.trusting(p12);
        OtaServer.Settings settings = TestCertificate.httpsSettings(dir, p12).withMaxConnectionsPerAddress(LIMIT);
        try (OtaServer server = OtaServer.start(settings)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", settings.port());
                    open.add(s);
                    s.setSoTimeout(READ_MILLIS);
                    s.startHandshake();
                    s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                    assertTrue(answer(s).startsWith("HTTP/1.1 200 "), "TLS connection " + (i + 1));
                }
                SSLSocket past = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", settings.port());
                open.add(past);
                past.setSoTimeout(READ_MILLIS);
                try {
                    past.startHandshake();
                    throw new AssertionError("a third TLS connection from one address completed its handshake");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a third TLS connection from one address was held open", e);
                } catch (IOException e) {
                    // closed by the server: the handshake cannot complete
                }
            } finally {
                closeAll(open);
            }
        }
    }

    /**
     * The operator hears of refusals: a warning naming the address, the limit and the option, at
     * most one a minute however many connections are refused (here a few in a row).
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theOperatorIsToldOfRefusalsOnceAMinute() throws Exception {
        Process p = ServerProcess.startServer(dir, "--max-connections-per-address", "1");
        int refusals = 5;
        try {
            int port = ServerProcess.listeningPort(p, dir);
            try (Socket first = served(port)) {
                for (int i = 0; i < refusals; i++) {
                    assertRefused(new Socket("127.0.0.1", port));
                }
            }
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        String err = Files.readString(dir.resolve("err"));
        List<String> warnings = err.lines().filter(l -> l.contains("--max-connections-per-address")).toList();
        assertEquals(1, warnings.size(), err);
        assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
        assertTrue(warnings.get(0).endsWith(" - refused a connection from 127.0.0.1: it has 1 open, the limit per"
                + " address (--max-connections-per-address)"), warnings.get(0));
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** A new connection that serves a request, tried again while the server still counts one just closed. */
    private static Socket served(int port) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            String a = answer(s);
            if (a.startsWith("HTTP/1.1 200 ")) {
                return s;
            }
            s.close();
            assertTrue(a.startsWith("(closed") && attempt < ATTEMPTS, "attempt " + attempt + ": " + a);
            Thread.sleep(10);
        }
    }

    /** An answer, or "(closed ...)" for a connection closed (or reset) before one came. */
    private static String answer(Socket s) throws IOException {
        try {
            return RawHttp.answer(s, READ_MILLIS);
        } catch (SocketException e) {
            return "(closed: " + e.getMessage() + ")";
        }
    }

    /** {@code s} closed by the server at once: no byte, then the end of the stream (or a reset), not a timeout. */
    private static void assertRefused(Socket s) throws IOException {
        try (s) {
            s.setSoTimeout(READ_MILLIS);
            InputStream in = s.getInputStream();
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a connection past the limit per address was held open", e);
            } catch (SocketException e) {
                return; // reset: closed
            }
            assertEquals(-1, b, "a connection past the limit was answered");
        }
    }
}
