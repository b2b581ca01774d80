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
 * A method no route takes, on every route, is refused with the one line naming the method as the
 * client sent it (Javalin calls every method it does not know INVALID) and the path.
 */
class UnknownMethodTest {
    private static final String[] PATHS = {"/d/checkin", "/d/register", "/d/report", "/d/artifacts/" + "0".repeat(64),
        "/admin/devices", "/admin/devices/dev-1", "/admin/artifacts/" + "0".repeat(64), "/admin/images",
        "/admin/releases", "/admin/releases/rollout"};

    @TempDir
    Path dir;

    @Test
    void aMethodNoRouteTakesIsOneLineNamingIt() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            for (String method : new String[] {"DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO"}) {
                for (String path : PATHS) {
                    String[] a = send(server, method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + Fleet.TOKEN + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    assertTrue(a[0].startsWith("HTTP/1.1 4"), method + " " + path + ": " + a[0]);
                    assertEquals("error: no such path: " + method + " " + path + "\n", a[1], method + " " + path);
                }
            }
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
