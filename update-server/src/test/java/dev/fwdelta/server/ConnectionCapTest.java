// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.http.ConnectionCap;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --max-connections 2}, two connections are served and a third waits to be accepted
 * until one of them closes; a TLS connection counts once, as a plain one does.
 */
class ConnectionCapTest {
    private static final int CAP = 2;
    /** How long a connection past the cap is watched for an answer that must not come while the others are open. */
    private static final int UNANSWERED_MILLIS = 1500;
    private static final String REQUEST = RawHttp.IMAGES_REQUEST;

    @TempDir
    Path dir;

    @Test
    void aConnectionPastTheCapWaitsUntilOneCloses() throws Exception {
        try (OtaServer server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"),
                1 << 20).withMaxConnections(CAP))) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < CAP + 1; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    open.add(s);
                    s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                }
                // Accepted in the order they connected: the first two answer, kept alive.
                for (int i = 0; i < CAP; i++) {
                    assertTrue(RawHttp.answer(open.get(i), 10_000).startsWith("HTTP/1.1 200"), "connection " + (i + 1));
                }
                Socket waiting = open.get(CAP);
                assertThrows(SocketTimeoutException.class, () -> RawHttp.answer(waiting, UNANSWERED_MILLIS),
                        "a connection past the cap of " + CAP + " was served while " + CAP + " were open");
                open.get(0).close();
                assertTrue(RawHttp.answer(waiting, 10_000).startsWith("HTTP/1.1 200"), "served once one closed");
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aTlsConnectionCountsOnce() throws Exception {
        Path p12 = TestCertificate.create(dir);
        SSLContext tls = TestCertificate.trusting(p12);
        OtaServer.Settings settings = TestCertificate.httpsSettings(dir, p12).withMaxConnections(CAP);
        int port = settings.port();
        try (OtaServer server = OtaServer.start(settings)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < CAP; i++) {
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
                    open.add(s);
                    assertTrue(tlsAnswer(s).startsWith("HTTP/1.1 200"), "TLS connection " + (i + 1));
                }
                SSLSocket past = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
                open.add(past);
                past.setSoTimeout(UNANSWERED_MILLIS);
                assertThrows(SocketTimeoutException.class, past::startHandshake,
                        "a TLS connection past the cap of " + CAP + " was accepted while " + CAP + " were open");
                open.get(0).close();
                past.close();
                try (SSLSocket next = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                    assertTrue(tlsAnswer(next).startsWith("HTTP/1.1 200"), "served once one closed");
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** The handshake, the request, and the answer on a TLS connection, each within 10 s. */
    private static String tlsAnswer(SSLSocket s) throws IOException {
        s.setSoTimeout(10_000);
        s.startHandshake();
        s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        return RawHttp.answer(s, 10_000);
    }

    /**
     * A server at its cap accepts nobody, so the operator must hear of it: a warning naming the cap
     * and the option on the process's standard error (Jetty's own line is below the log level the
     * server runs at, and nothing was shown). A cap reached again and again, as under a flood, is
     * one line now and then, not one per connection.
     */
    @Test
    void theOperatorIsToldWhenTheCapIsReached() throws Exception {
        Process p = ServerProcess.startServer(dir, "--max-connections", "1");
        int timesReached = 5;
        try {
            int port = ServerProcess.listeningPort(p, dir);
            for (int i = 0; i < timesReached; i++) {
                try (Socket first = new Socket("127.0.0.1", port); Socket waiting = new Socket("127.0.0.1", port)) {
                    first.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                    assertTrue(RawHttp.answer(first, 10_000).startsWith("HTTP/1.1 200"), "the first is served");
                    waiting.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                    first.close();
                    assertTrue(RawHttp.answer(waiting, 10_000).startsWith("HTTP/1.1 200"), "the second once the first closed");
                }
            }
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        List<String> warnings = Files.readString(dir.resolve("err")).lines()
                .filter(l -> l.contains("at its cap of 1 connections")).toList();
        assertTrue(!warnings.isEmpty(), "nothing told the operator the cap was reached: " + Files.readString(dir.resolve("err")));
        assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
        assertTrue(warnings.get(0).endsWith(" - the server is at its cap of 1 connections (--max-connections): new"
                + " connections wait to be accepted"), warnings.get(0));
        assertTrue(warnings.size() < timesReached, "a line each time the cap was reached: " + warnings);
    }

    /**
     * A process that may open fewer files than the server keeps for its own has no room for a
     * connection: the start is refused saying so (exit 5, nothing created), where the server used to
     * start with a cap of one connection, serving one device at a time and saying nothing. The
     * limit is lowered by the shell, as an operator's unit file or container would.
     */
    @Test
    void tooFewFilesForAnyConnectionIsRefusedAtStart() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path data = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder("sh", "-c", "ulimit -n 400 && exec \"$0\" -cp \"$1\" " + ServerMain.class.getName()
                + " server --port 0 --data \"$2\" --admin-token-file \"$3\"", java, classPath, data.toString(),
                token.toString()).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile())
                .start();
        try {
            for (int wait = 0; wait < 600 && p.isAlive(); wait++) {
                assertFalse(Files.readString(dir.resolve("err")).startsWith("fwdelta server on "),
                        "the server started, with no room for connections: " + Files.readString(dir.resolve("err")));
                Thread.sleep(100);
            }
            assertFalse(p.isAlive(), "the server neither started nor stopped in 60 s");
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        assertEquals("fwdelta: error: this process may open 400 files, and the server keeps 512 of them for its own:"
                + " none is left for a connection (raise the hard open-file limit, ulimit -Hn)",
                Files.readString(dir.resolve("err")).strip());
        assertEquals(5, p.exitValue());
        assertFalse(Files.exists(data), "a refused start created " + data);
    }

    /** The cap is checked against what the process may open, beside the files the server keeps. */
    @Test
    void theLargestCapLeavesTheServerItsOwnFiles() throws Exception {
        assertEquals(3584, ServerCommand.checkedMaxConnections(3584, OptionalLong.of(4096)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerCommand.checkedMaxConnections(3585, OptionalLong.of(4096)));
        assertEquals("--max-connections must be 1 to 3584 (this process may open 4096 files, 512 of them kept for"
                + " the server's own), got 3585", e.getMessage());
        assertEquals(ServerCommand.MAX_MAX_CONNECTIONS,
                ServerCommand.checkedMaxConnections(ServerCommand.MAX_MAX_CONNECTIONS, OptionalLong.empty()));
        e = assertThrows(IllegalArgumentException.class,
                () -> ServerCommand.checkedMaxConnections(ServerCommand.MAX_MAX_CONNECTIONS + 1, OptionalLong.empty()));
        assertEquals("--max-connections must be 1 to 1000000, got 1000001", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ServerCommand.checkedMaxConnections(0, OptionalLong.empty()));
        assertEquals("--max-connections must be 1 to 1000000, got 0", e.getMessage());
        assertEquals(3584, ServerCommand.connectionCap(null, OptionalLong.of(4096)), "the default within the room");
        assertEquals(ConnectionCap.DEFAULT_MAX, ServerCommand.connectionCap(null, OptionalLong.of(1 << 20)));
        assertEquals(ConnectionCap.DEFAULT_MAX, ServerCommand.connectionCap(null, OptionalLong.empty()));
        assertEquals(7, ServerCommand.connectionCap(7, OptionalLong.of(4096)));
        assertEquals(1, ServerCommand.connectionCap(null, OptionalLong.of(513)), "room for one is room enough");
    }
}
