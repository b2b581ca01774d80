// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

/** A request the server refuses: the HTTP status and one line saying why (sent as the answer body). */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }
}
