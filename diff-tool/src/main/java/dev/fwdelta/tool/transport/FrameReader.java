// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads frames from a link on a background thread, so the sender can keep writing. At most
 * {@link #MAX_QUEUED_FRAMES} wait to be polled: a device that floods the line while the sender is
 * not reading costs the oldest of them, never memory without bound.
 */
final class FrameReader implements AutoCloseable {
    /**
     * Frames kept for the sender: far more than an honest device has answered and not yet read
     * (one answer per frame of a window of at most eight frames, and a few stale ones), so only
     * a flood loses any; about a megabyte at the largest frames.
     */
    static final int MAX_QUEUED_FRAMES = 1024;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>(MAX_QUEUED_FRAMES);
    private volatile long framesDropped;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile IOException failure;
    private volatile long bytesRead;
    /** The first bytes read since the last {@link #clear}: what answered, when it was no frame. */
    private final byte[] first = new byte[FIRST_BYTES];
    private volatile int firstCount;
    static final int FIRST_BYTES = 64;

    FrameReader(Link link) {
        FrameDecoder decoder = new FrameDecoder(this::queue);
        thread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (running) {
                try {
                    int n = link.read(buf, 0, buf.length, 50);
                    if (n > 0) {
                        bytesRead += n;
                        keepFirst(buf, n);
                        decoder.push(buf, 0, n);
                    } else {
                        decoder.idle();
                    }
                } catch (IOException e) {
                    failure = e;
                    running = false;
                }
            }
        }, "fwdelta-frame-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a frame the reader decoded; when the queue is full, the oldest frame makes room. */
    private void queue(Frame f) {
        while (!frames.offer(f)) {
            if (frames.poll() != null) {
                framesDropped++;
            }
        }
    }

    /** Frames dropped because {@link #MAX_QUEUED_FRAMES} were waiting. */
    long framesDropped() {
        return framesDropped;
    }

    /** The next frame, or null after {@code timeoutMs}. */
    Frame poll(long timeoutMs) throws IOException {
        try {
            Frame f = frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (f == null && failure != null) {
                throw failure;
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    void clear() {
        frames.clear();
        synchronized (first) {
            firstCount = 0;
        }
    }

    private void keepFirst(byte[] b, int n) {
        synchronized (first) {
            int k = Math.min(n, FIRST_BYTES - firstCount);
            System.arraycopy(b, 0, first, firstCount, k);
            firstCount += k;
        }
    }

    /** Up to {@value #FIRST_BYTES} bytes read first since the last {@link #clear}. */
    byte[] firstBytes() {
        synchronized (first) {
            return Arrays.copyOf(first, firstCount);
        }
    }

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
