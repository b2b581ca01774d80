// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.tool.transport.Link;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Paces writes to a UART's line rate (8N1: baud / 10 bytes per second). A pseudo-terminal
 * ignores the baud rate; this makes a test over one take the time a real line would.
 *
 * <p>Each write (a whole frame) is handed to the terminal at once, and the writer then waits for
 * the time the line takes to carry it. So, as with a real UART driver that sends what it was
 * given without a gap, a pause of the writing thread (a busy machine) can delay a frame but never
 * cut one in two: the receiver would take that gap (more than 50 ms) for a frame broken on the line.
 */
public final class ThrottledLink implements Link {
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
        long now = System.nanoTime();
        if (due < now) {
            due = now;
        }
        long wait = due - now; // the line still carries an earlier write
        sleep(wait);
        inner.write(b, off, len);
        due += (long) (len * nanosPerByte);
        sleep(due - System.nanoTime());
    }

    private static void sleep(long nanos) throws InterruptedIOException {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
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
