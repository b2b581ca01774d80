// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The reading end of an in-memory line for transport tests: hands out, in order, the byte chunks
 * the other end queued, as a {@code Link}'s read does (0 bytes when nothing came within the timeout).
 */
final class QueuedBytes {
    private final BlockingQueue<byte[]> in;
    private byte[] pending = new byte[0];
    private int at;
    /** Chunks taken from the queue, and how many of them were wholly read when a read last began with none left. */
    private long taken;
    private long readBeforeIdleRead;

    QueuedBytes(BlockingQueue<byte[]> in) {
        this.in = in;
    }

    int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        if (at == pending.length) {
            // A reader that reads again has done with what it read before (FrameReader decodes
            // each read before the next): every chunk taken so far is in its hands.
            synchronized (this) {
                readBeforeIdleRead = taken;
                notifyAll();
            }
            try {
                byte[] next = in.poll(timeoutMs, TimeUnit.MILLISECONDS);
                if (next == null) {
                    return 0;
                }
                synchronized (this) {
                    taken++;
                }
                pending = next;
                at = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        int n = Math.min(len, pending.length - at);
        System.arraycopy(pending, at, b, off, n);
        at += n;
        return n;
    }

    /**
     * Waits until the reader has read the first {@code chunks} chunks queued and come back for
     * more, so that what they carry is decoded before the writer goes on; an IOException if it
     * does not within {@code limitMs} (a reader that stopped), so that a test fails instead of
     * going on out of step.
     */
    synchronized void awaitRead(long chunks, long limitMs) throws IOException {
        long end = System.nanoTime() + limitMs * 1_000_000;
        while (readBeforeIdleRead < chunks) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("the host did not read " + (chunks - readBeforeIdleRead) + " answers");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
