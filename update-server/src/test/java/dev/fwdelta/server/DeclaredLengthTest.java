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
 * A Content-Length over the body limit is refused with 413 before a byte of the body is read, also
 * one too large for an int (Servlet's getContentLength says -1 for it, as for none): the client sends
 * the headers alone and then no more, so an answer other than 413 means the server went on to read.
 */
class DeclaredLengthTest {
    @TempDir
    Path dir;

    @Test
    void aDeclaredLengthPastTheLimitIs413BeforeTheBodyIsRead() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            for (String length : new String[] {"2000000", "3000000000", "9223372036854775807"}) {
                String[] upload = headersOnly(server, "PUT /admin/artifacts/" + "0".repeat(64) + " HTTP/1.1\r\n"
                        + "Authorization: Bearer " + Fleet.TOKEN + "\r\nContent-Length: " + length + "\r\n");
                assertTrue(upload[0].startsWith("HTTP/1.1 413"), length + ": " + upload[0] + upload[1]);
                assertEquals("error: upload is larger than the limit of " + (1 << 20) + " bytes\n", upload[1]);
                String[] form = headersOnly(server, "POST /d/register HTTP/1.1\r\nAuthorization: Bearer "
                        + Fleet.PROVISIONING + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + length + "\r\n");
                assertTrue(form[0].startsWith("HTTP/1.1 413"), length + ": " + form[0] + form[1]);
                assertEquals("error: request body is larger than " + OtaServer.MAX_FORM_BYTES + " bytes\n", form[1]);
            }
        }
    }

    /** The answer's head and body to {@code head} sent with no body: the client then stops sending. */
    private static String[] headersOnly(OtaServer server, String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write((head + "Host: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).split("\r\n\r\n", 2);
        }
    }
}
