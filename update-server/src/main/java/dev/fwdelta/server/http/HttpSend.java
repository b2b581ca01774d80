// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import dev.fwdelta.tool.cli.CauseText;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * A request to the update server (or the artifact host) whose failure to get an answer names the URL
 * and why (connection refused, host not found, timed out, TLS failure): Java's HTTP client says
 * neither, and its exception for a closed port has no message at all.
 */
public final class HttpSend {
    private HttpSend() {}

    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest req, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return http.send(req, body);
        } catch (IOException e) {
            throw new IOException("cannot reach " + req.uri() + ": " + CauseText.of(e), e);
        }
    }

    /**
     * The answer to {@code req}, its body still to be read; {@code what} names the request in errors
     * ("GET /admin/images", "check-in"). Java's client says only "request timed out" when the headers
     * do not come within the request's timeout, or "HTTP/1.1 header parser received no bytes" when the
     * connection closes first, and {@link #send} would call either a server it cannot reach: the
     * connection was made (failing to make it is another exception), so the error says so and what
     * did not come.
     */
    public static HttpResponse<InputStream> exchange(HttpClient http, HttpRequest req, String what)
            throws IOException, InterruptedException {
        try {
            return send(http, req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            if (e.getCause() instanceof HttpTimeoutException t && !(t instanceof HttpConnectTimeoutException)
                    && req.timeout().isPresent()) {
                throw new IOException(what + ": " + req.uri() + " took the connection but sent no complete answer"
                        + " headers within the limit of " + BodyDeadline.seconds(req.timeout().get()), e);
            }
            String closed = closedAfterConnect(e);
            if (closed != null) {
                throw new IOException(what + ": the connection to " + req.uri() + " was closed before a complete"
                        + " answer came (" + closed + ")", e);
            }
            throw e;
        }
    }

    /**
     * How Java's client begins the error of an exchange that failed while it waited for the
     * answer's headers ("HTTP/1.1 header parser received no bytes"): the connection was made and
     * the request (or its start) written, whatever the cause below says. The cause is the
     * operating system's words, a plain IOException such as "Broken pipe" when the peer closed
     * while the body was still being written, in the system's language.
     */
    private static final String READING_ANSWER = "HTTP/1.1 header parser";

    /**
     * Why a connection that was made closed ("EOF reached while reading", "Connection reset", "Broken
     * pipe"), or null when {@code e} is no such failure: one that was never made (refused, no route)
     * or another.
     */
    public static String closedAfterConnect(Throwable e) {
        String why = null;
        boolean readingAnswer = false;
        String deepest = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
                return null;
            }
            String text = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (text.startsWith(READING_ANSWER)) {
                readingAnswer = true;
            } else {
                deepest = text;
            }
            if (c instanceof EOFException || c instanceof SocketException) {
                why = text;
            }
        }
        if (why == null && readingAnswer) {
            return deepest != null ? deepest : "no answer";
        }
        return why;
    }
}
