// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body read as a stream (an artifact upload): a failure to read it (the client stopped
 * before its Content-Length, or sent a malformed chunk) is the client's, a 400 like the form
 * endpoints give, so that it is told apart from the server's own failures where the bytes go (a
 * store it cannot write), which stay 500. Without it Javalin took Jetty's "Early EOF" for a client
 * that went away and answered an empty 500.
 */
final class RequestBodyStream extends FilterInputStream {
    RequestBodyStream(InputStream body) {
        super(body);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw HttpError.unreadableBody(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw HttpError.unreadableBody(e);
        }
    }
}
