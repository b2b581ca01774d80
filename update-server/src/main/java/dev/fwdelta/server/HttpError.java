// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.IOException;
import java.util.Map;

/**
 * A request the server refuses: the HTTP status and one line saying why (sent as the answer body),
 * and the headers such an answer carries (a 416's {@code Content-Range}), if any.
 */
final class HttpError extends RuntimeException {
    final int status;
    final Map<String, String> headers;

    HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    /**
     * 400 for a request body that could not be read (cut short, a malformed chunk): one wording for
     * forms and uploads alike, on one line whatever Jetty's message holds.
     */
    static HttpError unreadableBody(IOException failure) {
        String why = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return badRequest("request body could not be read: " + why.strip().replaceAll("[\\r\\n]+", " "));
    }
}
