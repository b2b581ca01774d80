// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to a request it refuses before any route sees it (a path whose {@code %} escape does
 * not decode, an unparsable request line or header): the one line {@code error: WHAT} of every other
 * refusal (docs/OTA.md), not Jetty's HTML page, so that a device's HTTP client reads it like the rest.
 */
public final class OneLineErrors extends ErrorHandler {
    /**
     * What a 400 from Jetty means when its own reason says only "Bad Request": a path that does not
     * decode, or whose dot segments climb above the root ({@code /web/../../x}).
     */
    private static final String UNPARSABLE = "the request line or a header does not parse (in a path, a % must start a %XX"
            + " escape, and .. must not climb above the root)";

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        String why;
        boolean generic = reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status));
        if (status == 400 && generic) {
            why = UNPARSABLE;
        } else if (generic) {
            why = HttpStatus.getMessage(status);
        } else {
            // Jetty's own words when it has them ("Invalid Content-Length Value", "No Host"): they name the part.
            why = reason.strip().replaceAll("[\\r\\n]+", " "); // the answer is one line
        }
        if (status == HttpStatus.URI_TOO_LONG_414 || status == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
            why += " (the request line and headers may be at most " + requestHeaderSize() + " bytes)";
        }
        return ByteBuffer.wrap(("error: malformed HTTP request: " + why + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Jetty's limit on a request's line and headers together, as the server's HTTP connector has it. */
    private int requestHeaderSize() {
        for (Connector c : getServer().getConnectors()) {
            HttpConnectionFactory http = c.getConnectionFactory(HttpConnectionFactory.class);
            if (http != null) {
                return http.getHttpConfiguration().getRequestHeaderSize();
            }
        }
        return new HttpConfiguration().getRequestHeaderSize();
    }
}
