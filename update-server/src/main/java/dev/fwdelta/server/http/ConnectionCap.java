// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most so many connections open at once across the server's connectors; while they are, the
 * server accepts no more, and new ones wait in the system's accept queue. The header limit ends
 * each slow client in time but does not bound how many there are: without a cap, enough of them
 * use up the process's file descriptors, and then the server cannot open its own files (an
 * artifact, the database), failing the requests it is serving. With it, an excess waits.
 *
 * <p>Jetty 11's ConnectionLimit counts every Connection, and a TLS connection is two (TLS, and
 * HTTP over it): counted so, a cap of N would hold N/2 HTTPS clients. Here only a connection on
 * the network counts.
 *
 * <p>Reaching the cap is a warning in the server's log: Jetty says so only at INFO, below the level
 * the server logs at, so a server that had stopped accepting showed nothing.
 */
public final class ConnectionCap extends ConnectionLimit {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    /**
     * Far more than the request threads, so that devices kept alive between requests and slow
     * downloads do not wait for each other in a fleet's normal traffic, and far below the number
     * of files a Linux process is usually allowed.
     */
    public static final int DEFAULT_MAX = 10_000;

    /**
     * Descriptors left for the server's own files when the cap is sized to the process's limit:
     * an artifact open per request thread, the database's connections, the jars, the selectors.
     */
    public static final int FILES_KEPT = 512;

    /** Under a flood the cap is reached again each time a connection closes. */
    private final RareWarning warning = new RareWarning(LOG, "reached");

    private ConnectionCap(int max, Server server) {
        super(max, server);
    }

    /** Caps {@code server}'s connectors (those it has when it starts) at {@code max} connections together. */
    public static void install(Server server, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the connection cap must be at least 1, got " + max);
        }
        server.addBean(new ConnectionCap(max, server));
    }

    @Override
    public void onOpened(Connection connection) {
        if (onTheNetwork(connection)) {
            super.onOpened(connection);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (onTheNetwork(connection)) {
            super.onClosed(connection);
        }
    }

    @Override
    protected void limit() {
        super.limit();
        warning.warn(() -> "the server is at its cap of " + getMaxConnections() + " connections (--max-connections):"
                + " new connections wait to be accepted");
    }

    /** A connection over another's endpoint (HTTP over TLS's decrypted one) is not another socket. */
    static boolean onTheNetwork(Connection connection) {
        return !(connection.getEndPoint() instanceof EndPoint.Wrapper);
    }

    /** How many files this process may have open, where the system says (Unix). */
    public static OptionalLong openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }

    /** Connections a process that may open {@code openFiles} files can hold and still open its own: no bound if not known. */
    public static long room(OptionalLong openFiles) {
        return openFiles.isPresent() ? openFiles.getAsLong() - FILES_KEPT : Long.MAX_VALUE;
    }

    /** {@link #DEFAULT_MAX}, or fewer where this process may open fewer files (at least one). */
    public static int defaultMax() {
        return (int) Math.max(1, Math.min(DEFAULT_MAX, room(openFileLimit())));
    }
}
