// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most so many connections open at once from one client address ({@code
 * --max-connections-per-address}); one past that is closed as soon as it opens, unanswered. The
 * cap on all connections ({@link ConnectionCap}) keeps the server's descriptors but not who holds
 * them: without this, one client opening connections can take every one and leave devices waiting.
 * It is off unless asked for, as a fleet behind a carrier's NAT shares few addresses.
 *
 * <p>A connection is counted from when it opens until it closes, a TLS connection once (as the
 * cap counts it); one refused is never counted, so that each count is taken back exactly once.
 * Refusals are a warning in the log, at most one a minute.
 */
public final class AddressLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AddressLimit.class);

    private final int max;
    /** Open connections by client address; an address with none has no entry. */
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under, by its endpoint: what its close takes back. */
    private final Map<EndPoint, InetAddress> counted = new ConcurrentHashMap<>();
    /** Under a flood from one address, each of its connections is refused. */
    private final RareWarning warning = new RareWarning(LOG, "refused");

    private AddressLimit(int max) {
        this.max = max;
    }

    /** Limits the connections from each address to {@code max}, across all of {@code server}'s connectors together. */
    public static void install(Server server, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the limit per address must be at least 1, got " + max);
        }
        AddressLimit limit = new AddressLimit(max);
        for (Connector c : server.getConnectors()) {
            if (c instanceof AbstractConnector a) {
                a.addEventListener(limit);
            }
        }
    }

    @Override
    public void onOpened(Connection connection) {
        if (!ConnectionCap.onTheNetwork(connection)) {
            return;
        }
        EndPoint endPoint = connection.getEndPoint();
        InetAddress address = addressOf(endPoint.getRemoteSocketAddress());
        if (address == null) {
            return; // not an IP connection: nothing to count it under
        }
        boolean[] admitted = {false};
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < max;
            return admitted[0] ? now + 1 : n;
        });
        if (admitted[0]) {
            counted.put(endPoint, address);
            return;
        }
        warning.warn(() -> "refused a connection from " + address.getHostAddress() + ": it has " + max
                + " open, the limit per address (--max-connections-per-address)");
        endPoint.close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection.getEndPoint());
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
