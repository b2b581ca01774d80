// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.transport.Link;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paced line with its transmit buffer: every byte leaves, in order, and failures surface. */
class ThrottledLinkTest {
    @Test
    void everyByteLeavesInOrderAndCloseWaitsForTheBuffer() throws Exception {
        byte[] data = new byte[3 * ThrottledLink.TX_BUFFER + 77];
        new Random(5).nextBytes(data);
        Sink sink = new Sink();
        try (ThrottledLink link = new ThrottledLink(sink, 2_000_000)) {
            for (int at = 0; at < data.length; at += 101) {
                link.write(data, at, Math.min(101, data.length - at));
            }
        }
        assertArrayEquals(data, sink.bytes(), "what was written reaches the line, buffered bytes included");
        assertTrue(sink.closed);
        assertTrue(sink.largestWrite <= 32, "handed on in pieces of at most 32 bytes, got " + sink.largestWrite);
    }

    @Test
    void aFailingPortIsReportedToTheWriter() throws Exception {
        Sink sink = new Sink();
        sink.failAfter = 40;
        ThrottledLink link = new ThrottledLink(sink, 2_000_000);
        byte[] chunk = new byte[64];
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                link.write(chunk, 0, chunk.length);
            }
        });
        assertEquals("port unplugged", e.getMessage());
        link.close();
    }

    @Test
    void writingAfterCloseIsRefused() throws Exception {
        ThrottledLink link = new ThrottledLink(new Sink(), 115_200);
        link.close();
        IOException e = assertThrows(IOException.class, () -> link.write(new byte[1], 0, 1));
        assertEquals("sink is closed", e.getMessage());
    }

    /** A port that keeps what it is given. */
    private static final class Sink implements Link {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int largestWrite;
        int failAfter = Integer.MAX_VALUE;
        volatile boolean closed;

        @Override
        public int read(byte[] b, int off, int len, int timeoutMs) {
            return 0;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (out.size() + len > failAfter) {
                throw new IOException("port unplugged");
            }
            out.write(b, off, len);
            largestWrite = Math.max(largestWrite, len);
        }

        synchronized byte[] bytes() {
            return out.toByteArray();
        }

        @Override
        public String name() {
            return "sink";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
