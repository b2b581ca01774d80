// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.tool.transport.Link;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Paces writes to a UART's line rate (8N1: baud / 10 bytes per second). A pseudo-terminal
 * ignores the baud rate; this makes a test over one take the time a real line would.
 */
public final class ThrottledLink implements Link {
    private static final int PIECE = 32;
    private final Link inner;
    private final double nanosPerByte;
    private long due;

    public ThrottledLink(Link inner, int baud) {
        this.inner = inner;
        this.nanosPerByte = 1e9 * 10 / baud;
    }

    @Override
    public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        return inner.read(b, off, len, timeoutMs);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int done = 0; done < len; done += PIECE) {
            int n = Math.min(PIECE, len - done);
            long now = System.nanoTime();
            if (due < now) {
                due = now;
            }
            long wait = due - now;
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while sending");
                }
            }
            inner.write(b, off + done, n);
            due += (long) (n * nanosPerByte);
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
