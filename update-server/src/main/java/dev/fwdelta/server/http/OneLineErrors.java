// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to a request it refuses before any route sees it (a path whose {@code %} escape does
 * not decode, an unparsable request line or header): the one line {@code error: WHAT} of every other
 * refusal (docs/OTA.md), not Jetty's HTML page, so that a device's HTTP client reads it like the rest.
 */
public final class OneLineErrors extends ErrorHandler {
    /** What a 400 from Jetty means: its own reason says only "Bad Request". */
    private static final String UNPARSABLE = "the request line or a header does not parse (in a path, a % must start a %XX"
            + " escape)";

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        String why;
        if (status == 400) {
            why = UNPARSABLE;
        } else if (reason == null || reason.isBlank()) {
            why = HttpStatus.getMessage(status);
        } else {
            why = reason.strip().replaceAll("[\\r\\n]+", " "); // the answer is one line
        }
        return ByteBuffer.wrap(("error: malformed HTTP request: " + why + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
