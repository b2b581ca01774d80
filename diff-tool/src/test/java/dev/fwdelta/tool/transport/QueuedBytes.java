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

    QueuedBytes(BlockingQueue<byte[]> in) {
        this.in = in;
    }

    int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        if (at == pending.length) {
            try {
                byte[] next = in.poll(timeoutMs, TimeUnit.MILLISECONDS);
                if (next == null) {
                    return 0;
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
}
