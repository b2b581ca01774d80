// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.tool.transport.Link;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Paces writes to a UART's line rate (8N1: baud / 10 bytes per second). A pseudo-terminal
 * ignores the baud rate; this makes a test over one take the time a real line would.
 *
 * <p>It models a UART with a transmit buffer, as a USB-serial bridge has: {@link #write} returns
 * once the bytes fit in a {@value #TX_BUFFER}-byte buffer, and a pacing thread hands them to the
 * pseudo-terminal at the line rate, in pieces of {@value #PIECE}. Without the buffer, the line
 * would go idle for as long as the sender takes between two writes (to read answers and build
 * the next frame), which a real port does not do; with it, the bytes still reach the other end
 * no earlier than the line would carry them (one piece ahead at most, as before).
 */
public final class ThrottledLink implements Link {
    /** Bytes queued before write blocks: the transmit FIFO of an FT232R-class USB-serial bridge. */
    static final int TX_BUFFER = 256;
    private static final int PIECE = 32;
    /** How long close waits for queued bytes to leave: a full buffer at 300 baud takes 8.5 s. */
    private static final long CLOSE_WAIT_MS = 10_000;

    private final Link inner;
    private final double nanosPerByte;
    private final byte[] ring = new byte[TX_BUFFER];
    private final Thread pacer;
    private int head;
    private int count;
    private boolean closing;
    private IOException failure;

    public ThrottledLink(Link inner, int baud) {
        this.inner = inner;
        this.nanosPerByte = 1e9 * 10 / baud;
        this.pacer = new Thread(this::pace, "fwdelta-line-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    @Override
    public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        return inner.read(b, off, len, timeoutMs);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        synchronized (ring) {
            for (int done = 0; done < len; ) {
                failIfBroken();
                if (count == TX_BUFFER) {
                    await();
                    continue;
                }
                int n = Math.min(len - done, TX_BUFFER - count);
                for (int i = 0; i < n; i++) {
                    ring[(head + count + i) % TX_BUFFER] = b[off + done + i];
                }
                count += n;
                done += n;
                ring.notifyAll();
            }
        }
    }

    /** The pacing thread: one piece at a time, each when the line has carried the one before. */
    private void pace() {
        byte[] piece = new byte[PIECE];
        long due = 0;
        try {
            while (true) {
                int n;
                synchronized (ring) {
                    while (count == 0 && !closing) {
                        ring.wait();
                    }
                    if (count == 0) {
                        return;
                    }
                    n = Math.min(PIECE, count);
                    for (int i = 0; i < n; i++) {
                        piece[i] = ring[(head + i) % TX_BUFFER];
                    }
                }
                long now = System.nanoTime();
                due = Math.max(due, now);
                if (due > now) {
                    Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
                }
                inner.write(piece, 0, n);
                due += (long) (n * nanosPerByte);
                synchronized (ring) {
                    head = (head + n) % TX_BUFFER;
                    count -= n;
                    ring.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (ring) {
                failure = e;
                ring.notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failIfBroken() throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        if (closing) {
            throw new IOException(inner.name() + " is closed");
        }
    }

    private void await() throws IOException {
        try {
            ring.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** Lets the queued bytes leave (they were written: a real port sends them too), then closes. */
    @Override
    public void close() throws IOException {
        synchronized (ring) {
            closing = true;
            ring.notifyAll();
        }
        try {
            pacer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pacer.interrupt();
            inner.close();
        }
    }
}
