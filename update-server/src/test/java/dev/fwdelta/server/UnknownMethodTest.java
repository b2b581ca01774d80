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
 * A method a route does not take, on every route, is 405 with the Allow header RFC 9110 15.5.6 asks
 * for and the one line naming the method as the client sent it (Javalin calls every method it does
 * not know INVALID), the path and the methods allowed; a path no route serves is 404.
 */
class UnknownMethodTest {
    /** Each route and the methods it takes, as the Allow header lists them. */
    private static final String[][] ROUTES = {{"/d/checkin", "POST"}, {"/d/register", "POST"}, {"/d/report", "POST"},
        {"/d/artifacts/" + "0".repeat(64), "GET, HEAD"}, {"/admin/devices", "POST"}, {"/admin/devices/dev-1", "GET, HEAD"},
        {"/admin/artifacts/" + "0".repeat(64), "GET, PUT, HEAD"}, {"/admin/images", "GET, HEAD"},
        {"/admin/releases", "POST"}, {"/admin/releases/rollout", "POST"}};

    @TempDir
    Path dir;

    @Test
    void aMethodARouteDoesNotTakeIs405NamingIt() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            for (String method : new String[] {"DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO"}) {
                for (String[] route : ROUTES) {
                    String[] a = send(server, method + " " + route[0] + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + Fleet.TOKEN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    String what = method + " " + route[0];
                    assertTrue(a[0].startsWith("HTTP/1.1 405"), what + ": " + a[0]);
                    assertTrue(a[0].contains("\r\nAllow: " + route[1] + "\r\n"), what + ": " + a[0]);
                    assertEquals("error: " + what + ": the method is not allowed here, only " + route[1] + "\n", a[1], what);
                }
            }
            String[] none = send(server, "PROPFIND /no/such HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(none[0].startsWith("HTTP/1.1 404"), none[0]);
            assertEquals("error: no such path: PROPFIND /no/such\n", none[1]);
        }
    }

    /**
     * The path a 404 names is the client's text: escaped (a raw U+202E would reorder the line where
     * it is shown) and capped, as field names are (FormBodyTest).
     */
    @Test
    void anUnknownPathIsNamedEscapedAndCapped() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            String[] bidi = send(server, "GET /x\u202Eexe.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals("error: no such path: GET /x\\u202Eexe.txt\n", bidi[1], bidi[0]);
            String[] longPath = send(server, "GET /" + "p".repeat(7000) + " HTTP/1.1\r\nHost: x\r\nConnection: close"
                    + "\r\n\r\n");
            assertTrue(longPath[1].startsWith("error: no such path: GET /ppp"), longPath[0]);
            assertTrue(longPath[1].endsWith(" [6605 more characters cut]\n"), longPath[1]);
        }
    }

    private static String[] send(OtaServer server, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\r\n\r\n", 2);
        }
    }
}
