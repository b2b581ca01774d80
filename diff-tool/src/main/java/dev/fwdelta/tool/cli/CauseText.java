// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * What went wrong, in words, for an exception whose own message may be missing: Java's HTTP client
 * throws a {@code ConnectException} without a message for a refused connection and for a host that
 * does not resolve, which printed as its bare class name. The kind of network failure is told by the
 * classes along the cause chain, the detail by the first message found there.
 */
public final class CauseText {
    private CauseText() {}

    /** The exception's message, else its cause chain's, with the kind of network failure named first. */
    public static String of(Throwable t) {
        String kind = networkKind(t);
        String detail = firstMessage(t);
        if (kind != null) {
            return detail == null || detail.equalsIgnoreCase(kind) ? kind : kind + " (" + detail + ")";
        }
        if (detail != null) {
            return detail;
        }
        return "unexpected " + t.getClass().getSimpleName() + " (no message)";
    }

    /** A message as a top-level error shows it: the exception's own when it has one, else {@link #of}. */
    static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? of(t) : m;
    }

    private static String networkKind(Throwable t) {
        boolean connect = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "host not found";
            }
            if (c instanceof SSLException) {
                return "TLS failure";
            }
            if (c instanceof HttpTimeoutException || c instanceof SocketTimeoutException
                    || c instanceof InterruptedByTimeoutException) {
                return "timed out";
            }
            connect |= c instanceof ConnectException;
        }
        // the HTTP client's ConnectException says nothing more when the port is closed
        return connect && firstMessage(t) == null ? "connection refused" : null;
    }

    private static String firstMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return null;
    }
}
