// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.tool.transport.DeviceText;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * A request whose method no route takes is answered, then its connection closed. Such a request comes
 * from no client of the API (a scanner; a client taking the server for a proxy, whose CONNECT would be
 * followed by a TLS handshake the server cannot parse): kept alive after the answer, its connection
 * held one of the connections all clients share ({@code --max-connections}) until Jetty's idle
 * timeout. A method the API serves on a route that does not take it (GET of a POST route) is a
 * client's mistake instead, and its connection stays open as any other's.
 */
final class UnservedMethods {
    /** The methods some route takes: the API's, and the web page's files (GET and HEAD). */
    static final List<String> SERVED = List.of("GET", "HEAD", "POST", "PUT");

    private UnservedMethods() {}

    /**
     * Marks the answer to a request of a method not {@link #SERVED} as the connection's last (the
     * route's 404 or 405 still says why); a CONNECT, which names a host rather than a path, is
     * refused here, 405 naming the methods served.
     */
    static void closeAfter(Context ctx) {
        String method = ctx.req().getMethod();
        if (SERVED.contains(method)) {
            return;
        }
        ctx.header("Connection", "close");
        if (method.equals("CONNECT")) {
            String allowed = String.join(", ", SERVED);
            // Its target is host:port, which Jetty reads as the server's name and port.
            String target = ctx.req().getServerName() + ":" + ctx.req().getServerPort();
            throw new HttpError(405, DeviceText.printable("CONNECT " + target)
                    + ": the method is not allowed here, the server is no proxy and serves only " + allowed,
                    Map.of("Allow", allowed, "Connection", "close"));
        }
    }
}
