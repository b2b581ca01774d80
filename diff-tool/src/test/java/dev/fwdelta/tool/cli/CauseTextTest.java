// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * An error without a message of its own is never printed as a bare class name: the kind of network
 * failure and the cause chain's first message say what happened. The exceptions are built as Java's
 * HTTP client throws them (a ConnectException without a message around the channel's exception).
 */
class CauseTextTest {
    private static Throwable httpClientStyle(Throwable innermost) {
        ConnectException inner = new ConnectException();
        inner.initCause(innermost);
        ConnectException outer = new ConnectException();
        outer.initCause(inner);
        return outer;
    }

    @Test
    void aRefusedConnectionIsNamed() {
        assertEquals("connection refused", ErrorMapper.message(httpClientStyle(new ClosedChannelException())));
    }

    @Test
    void anUnknownHostIsNamed() {
        assertEquals("host not found", ErrorMapper.message(httpClientStyle(new UnresolvedAddressException())));
    }

    @Test
    void aTimeoutAndATlsFailureAreNamedWithTheirDetail() {
        // as the update server's clients name it after the URL (an exception's own message is kept as it is)
        assertEquals("timed out (HTTP connect timed out)",
                CauseText.of(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertEquals("TLS failure (PKIX path building failed)",
                ErrorMapper.message(new IOException(null, new SSLHandshakeException("PKIX path building failed"))));
    }

    @Test
    void otherwiseTheCauseChainsMessageOrWhatKindItWas() {
        assertEquals("disk on fire", ErrorMapper.message(new IOException(null, new IOException("disk on fire"))));
        assertEquals("unexpected ClosedChannelException (no message)", ErrorMapper.message(new ClosedChannelException()));
        assertEquals(ExitCodes.IO_ERROR, ErrorMapper.exitCode(httpClientStyle(new ClosedChannelException())));
    }
}
