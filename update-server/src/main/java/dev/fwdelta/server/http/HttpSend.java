// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import dev.fwdelta.tool.cli.CauseText;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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
}
