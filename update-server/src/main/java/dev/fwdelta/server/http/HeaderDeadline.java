// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.CyclicTimeout;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a connection whose request line and headers are not complete within a limit, counted from
 * when the connection opened or, on a kept-alive connection, from the end of the previous request.
 *
 * <p>Jetty's idle timeout ends a client that stops, but one that sends a header byte now and then
 * is parsed without a thread and could keep its socket and buffers open for as long as it likes;
 * enough of them use up the server's file descriptors. Jetty 11 has no limit of its own on the
 * time to read headers, so this listens to the connector's connections (opened, closed) and
 * requests (headers parsed, request complete) and keeps one timer per connection on the
 * connector's scheduler: no thread per connection, and no timer while a request is being served
 * (its body and its answer have their own limits).
 */
public final class HeaderDeadline implements Connection.Listener, HttpChannel.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);

    private final Duration limit;
    private final AbstractConnector connector;
    /** By the endpoint HTTP is parsed from: a request names the same one (the decrypted one for TLS). */
    private final Map<EndPoint, Watch> watches = new ConcurrentHashMap<>();

    private HeaderDeadline(AbstractConnector connector, Duration limit) {
        this.connector = connector;
        this.limit = limit;
    }

    /** Watches every HTTP connection {@code connector} opens from now on under {@code limit}. */
    public static void install(AbstractConnector connector, Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the header limit must be positive, got " + limit);
        }
        // As an event listener each connection the connector makes hears of it; as a bean (which
        // addEventListener also makes it) each request's channel does.
        connector.addEventListener(new HeaderDeadline(connector, limit));
    }

    @Override
    public void onOpened(Connection connection) {
        // For TLS this opens with the TLS connection, so the handshake counts against the limit too.
        if (connection instanceof HttpConnection) {
            Watch w = new Watch(connection.getEndPoint());
            watches.put(connection.getEndPoint(), w);
            w.awaitHeaders();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Watch w = watches.remove(connection.getEndPoint());
        if (w != null) {
            w.destroy();
        }
    }

    @Override
    public void onRequestBegin(Request request) {
        Watch w = watches.get(request.getHttpChannel().getEndPoint());
        if (w != null) {
            w.headersComplete();
        }
    }

    @Override
    public void onComplete(Request request) {
        Watch w = watches.get(request.getHttpChannel().getEndPoint());
        if (w != null) {
            w.awaitHeaders();
        }
    }

    /** One connection's timer: set while it owes the server a request's headers. */
    private final class Watch extends CyclicTimeout {
        private final EndPoint endPoint;
        /** Guarded by this: whether the timer's expiry still means something (headers may have come meanwhile). */
        private boolean awaiting;

        Watch(EndPoint endPoint) {
            super(connector.getScheduler());
            this.endPoint = endPoint;
        }

        synchronized void awaitHeaders() {
            awaiting = true;
            schedule(limit.toNanos(), TimeUnit.NANOSECONDS);
        }

        synchronized void headersComplete() {
            awaiting = false;
            cancel();
        }

        @Override
        public void onTimeoutExpired() {
            synchronized (this) {
                if (!awaiting) {
                    return;
                }
                awaiting = false;
            }
            // Not a warning: on the open internet this is what scanners and stalled links do.
            LOG.debug("closing {}: request headers not complete within {} ms", endPoint.getRemoteSocketAddress(),
                    limit.toMillis());
            endPoint.close(new TimeoutException("request line and headers not complete within the limit of "
                    + limit.toMillis() + " ms"));
        }
    }
}
