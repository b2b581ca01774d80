// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A request body read as a stream (a form, an artifact upload), under a time limit for the whole
 * body. A failure to read it (the client stopped before its Content-Length, or sent a malformed
 * chunk) is the client's, a 400, so that it is told apart from the server's own failures where the
 * bytes go (a store it cannot write), which stay 500. Without it Javalin took Jetty's "Early EOF"
 * for a client that went away and answered an empty 500.
 *
 * <p>Jetty's idle timeout ends a body that stops; it cannot end one that trickles (a byte now and
 * then, chunked so that it never ends), which would hold a request thread for as long as the client
 * likes: enough such clients and no device is served. So the body must be complete within its
 * limit ({@link OtaServer.TimeLimits}): the read after it runs out is refused with 408, and a read that waits for the next byte is
 * ended by the idle timeout at the latest.
 */
final class RequestBodyStream extends FilterInputStream {
    private final Duration limit;
    private final long deadlineNanos;

    /** {@code limit}: how long the whole body may take, counted from now (the route starts reading). */
    RequestBodyStream(InputStream body, Duration limit) {
        super(body);
        this.limit = limit;
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
    }

    @Override
    public int read() throws IOException {
        checkDeadline();
        try {
            return super.read();
        } catch (IOException e) {
            throw HttpError.unreadableBody(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkDeadline();
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw HttpError.unreadableBody(e);
        }
    }

    private void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new HttpError(408, "request body: not complete within the limit of " + limit.toSeconds()
                    + " s (the whole body must arrive within it)");
        }
    }
}
