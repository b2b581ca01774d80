// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/**
 * The exception chains Java 17's HTTP client throws when a server closes a connection it took
 * (EOF while reading, or a plain "Broken pipe" while the request body was still being written;
 * ClosingServerTest saw the second in CI), and the one it throws when no connection was made.
 */
class HttpSendTest {
    private static IOException headerParser(Throwable cause) {
        String state = "HTTP/1.1 header parser received no bytes";
        return new IOException(state, new IOException(state, cause));
    }

    @Test
    void anEndOfStreamAfterConnectingIsAClosedConnection() {
        assertEquals("EOF reached while reading",
                HttpSend.closedAfterConnect(headerParser(new EOFException("EOF reached while reading"))));
    }

    @Test
    void aBrokenPipeWhileSendingTheRequestIsAClosedConnection() {
        assertEquals("Broken pipe", HttpSend.closedAfterConnect(headerParser(new IOException("Broken pipe"))));
    }

    @Test
    void aResetIsAClosedConnection() {
        assertEquals("Connection reset",
                HttpSend.closedAfterConnect(headerParser(new SocketException("Connection reset"))));
    }

    /** The operating system's words for a broken pipe may be in its language: the client's own words say where it was. */
    @Test
    void anyCauseWhileTheAnswerWasAwaitedIsAClosedConnection() {
        assertEquals("Datenübergabe unterbrochen", HttpSend.closedAfterConnect(
                headerParser(new IOException("Datenübergabe unterbrochen"))));
    }

    @Test
    void aRefusedConnectionWasNeverMade() {
        assertNull(HttpSend.closedAfterConnect(new IOException("x", new ConnectException("Connection refused"))));
    }

    @Test
    void anotherFailureIsNotAClosedConnection() {
        assertNull(HttpSend.closedAfterConnect(new IOException("too many redirects")));
    }
}
