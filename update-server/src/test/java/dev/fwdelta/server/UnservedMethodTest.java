// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose method no route of the API takes (CONNECT, as a client looking for a proxy sends,
 * TRACE, one the server does not know) is answered at once and its connection closed, without the
 * client asking for that: kept alive, it held a connection, of the {@code --max-connections} all
 * clients share, until Jetty's idle timeout. The server here has a cap of one connection, so each
 * request after the first is served only if the one before it gave its connection back.
 */
class UnservedMethodTest {
    /** Far below Jetty's 30 s idle timeout: a connection closed within it was closed by the answer. */
    private static final int READ_MILLIS = 10_000;

    @TempDir
    Path dir;

    @Test
    void anUnservedMethodIsAnsweredAndItsConnectionClosed() throws Exception {
        try (OtaServer server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"),
                1 << 20).withMaxConnections(1))) {
            String[] connect = closedAnswer(server, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
            assertTrue(connect[0].startsWith("HTTP/1.1 405 "), connect[0]);
            assertTrue(connect[0].contains("\r\nAllow: GET, HEAD, POST, PUT\r\n"), connect[0]);
            assertEquals("error: CONNECT example.com:443: the method is not allowed here, the server is no proxy and"
                    + " serves only GET, HEAD, POST, PUT\n", connect[1]);
            String[] trace = closedAnswer(server, "TRACE /d/checkin HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(trace[0].startsWith("HTTP/1.1 405 "), trace[0]);
            assertTrue(trace[0].contains("\r\nAllow: POST\r\n"), trace[0]);
            assertEquals("error: TRACE /d/checkin: the method is not allowed here, only POST\n", trace[1]);
            String[] unknown = closedAnswer(server, "FOO /d/artifacts/" + "0".repeat(64) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(unknown[0].startsWith("HTTP/1.1 405 "), unknown[0]);
            assertEquals("error: FOO /d/artifacts/" + "0".repeat(64) + ": the method is not allowed here, only GET, HEAD\n", unknown[1]);
            String[] nowhere = closedAnswer(server, "TRACE /no/such HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(nowhere[0].startsWith("HTTP/1.1 404 "), nowhere[0]);
            assertEquals("error: no such path: TRACE /no/such\n", nowhere[1]);
            // A method the API serves, on the path of a route that does not take it, is the client's
            // mistake, not a stranger's: its connection stays open for the next request.
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write("GET /d/checkin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(RawHttp.answer(s, READ_MILLIS).startsWith("HTTP/1.1 405 "), "GET /d/checkin");
                s.getOutputStream().write(("GET /admin/images?hw=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + Fleet.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertTrue(RawHttp.answer(s, READ_MILLIS).startsWith("HTTP/1.1 200 "), "the same connection, again");
            }
        }
    }

    /**
     * The head and body of the one answer to {@code request}, sent on a new connection that does not
     * ask to be closed, after checking that the server closed it right after that answer: the bytes
     * that came are exactly the head and its Content-Length body, then the end of the stream.
     */
    private static String[] closedAnswer(OtaServer server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(READ_MILLIS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            try {
                for (int n; (n = in.read(b)) >= 0; ) {
                    all.write(b, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(request.lines().findFirst().orElseThrow() + ": the connection was still open "
                        + READ_MILLIS + " ms after " + all.size() + " bytes: " + all.toString(StandardCharsets.ISO_8859_1), e);
            }
            String[] answer = all.toString(StandardCharsets.UTF_8).split("\r\n\r\n", 2);
            assertEquals(2, answer.length, "no complete head: " + all);
            assertTrue(answer[0].contains("\r\nConnection: close"), answer[0]);
            int length = Integer.parseInt(answer[0].replaceFirst("(?s).*\r\nContent-Length: (\\d+).*", "$1"));
            assertEquals(length, answer[1].getBytes(StandardCharsets.UTF_8).length, "bytes after the head: " + all);
            return answer;
        }
    }
}
