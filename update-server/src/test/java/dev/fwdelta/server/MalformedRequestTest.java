// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request Jetty refuses before any route reads it gets the one error line saying what Jetty found
 * wrong when Jetty says it (a Content-Length, a Transfer-Encoding, no Host), and the limit when the
 * request line or headers are too long: not the wording about a path's % escape, which only fits a path.
 */
class MalformedRequestTest {
    private static final String POST = "POST /d/checkin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\n";

    /** Jetty's refusal of a path that does not decode or climbs above the root: it says only "Bad Request". */
    private static final String UNPARSABLE = "the request line or a header does not parse (in a path, a % must start"
            + " a %XX escape, and .. must not climb above the root)";

    @TempDir
    Path dir;

    @Test
    void jettysRefusalNamesWhatIsWrong() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            String[][] cases = {
                {POST + "Content-Length: -1\r\n\r\n", "400", "Invalid Content-Length Value"},
                {POST + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400", "Multiple Content-Lengths"},
                {POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400",
                    "Transfer-Encoding and Content-Length"},
                {"GET /admin/images HTTP/1.1\r\nConnection: close\r\n\r\n", "400", "No Host"},
                {"GET /admin/devices/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "400", UNPARSABLE},
                {"GET /web/../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "400", UNPARSABLE},
                {"GET /admin/images HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(10_000) + "\r\n\r\n", "431",
                    "Request Header Fields Too Large (the request line and headers may be at most 8192 bytes)"},
                {"GET /admin/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414",
                    "URI Too Long (the request line and headers may be at most 8192 bytes)"},
            };
            for (String[] c : cases) {
                String[] a = send(server, c[0]);
                assertTrue(a[0].startsWith("HTTP/1.1 " + c[1]), c[2] + ": " + a[0]);
                assertEquals("error: malformed HTTP request: " + c[2] + "\n", a[1], c[2]);
            }
        }
    }

    private static String[] send(OtaServer server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2);
        }
    }
}
