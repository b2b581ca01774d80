// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The total limit of a body that never stalls long enough for the idle limit, and an honest body. */
class BodyDeadlineTest {
    /** Never idle for long, never ending: a byte at a time with a short pause between. */
    private static final class Trickle extends InputStream {
        @Override
        public int read() throws IOException {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            b[off] = (byte) read();
            return 1;
        }
    }

    @Test
    @Timeout(30)
    void aTrickleEndsAtTheTotalLimit() {
        InputStream in = BodyDeadline.watch(new Trickle(), "answer from URL",
                new BodyDeadline.Limits(Duration.ofSeconds(5), Duration.ofMillis(500)));
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertEquals("answer from URL did not complete within the total limit of 500 ms", e.getMessage());
    }

    @Test
    @Timeout(30)
    void aBodyWithinItsLimitsIsReadWhole() throws IOException {
        byte[] body = "update 3".getBytes();
        try (InputStream in = BodyDeadline.watch(new ByteArrayInputStream(body), "answer",
                new BodyDeadline.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5)))) {
            assertArrayEquals(body, in.readAllBytes());
        }
    }
}
