// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Answers read off a raw socket, for tests that send requests byte by byte or hold connections open. */
final class RawHttp {
    /** The most body bytes read of one answer: the tests' answers are a few lines. */
    private static final int MAX_BODY = 1 << 20;

    /** A request the server answers 200 on a kept-alive connection, with the tests' admin token. */
    static final String IMAGES_REQUEST = "GET /admin/images?hw=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + Fleet.TOKEN + "\r\n\r\n";

    private RawHttp() {}

    /**
     * One answer (its headers and a Content-Length body, at most {@link #MAX_BODY}) off a kept-alive
     * connection, each read within {@code millis}; a connection closed first gives what came.
     */
    static String answer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "(closed after: " + head.toString(StandardCharsets.ISO_8859_1) + ")";
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        for (String line : headers.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, "Content-Length:".length())) {
                int length = Integer.parseInt(line.substring("Content-Length:".length()).strip());
                return headers + new String(in.readNBytes(Math.min(length, MAX_BODY)), StandardCharsets.ISO_8859_1);
            }
        }
        return headers;
    }
}
