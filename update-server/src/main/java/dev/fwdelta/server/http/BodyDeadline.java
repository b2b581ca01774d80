// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP body read with a deadline: Java's HTTP client times out only the wait for the response
 * headers, so a server that sends headers and then stops would keep a reader blocked for ever. A
 * watchdog closes the body when no byte came for the idle limit or the whole body took longer than
 * the total limit; closing the client's body stream makes a read in progress throw, and that read
 * is answered with an IOException naming the URL and the limit that ran out.
 */
public final class BodyDeadline extends FilterInputStream {
    /** How long a body may go without a byte, and how long it may take in all. */
    public record Limits(Duration idle, Duration total) {
        public Limits {
            if (idle.isNegative() || idle.isZero() || total.isNegative() || total.isZero()) {
                throw new IllegalArgumentException("body limits must be positive: idle " + idle + ", total " + total);
            }
        }
    }

    /**
     * The longest a body may go without a byte, for every client of the update server (the device
     * model and the admin commands): the request timeouts cover only the wait for the headers.
     */
    public static final Duration BODY_IDLE_LIMIT = Duration.ofSeconds(30);

    /** One daemon thread for all watchdogs: they only wake up to check a clock and maybe close a stream. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fwdelta-body-deadline");
        t.setDaemon(true);
        return t;
    });

    private final String what;
    private final Limits limits;
    private final long startNanos;
    private volatile long lastByteNanos;
    /** Why the watchdog closed the body (null while it has not): read by the reader after its read fails. */
    private volatile String expired;
    private ScheduledFuture<?> check;
    private boolean closed;

    private BodyDeadline(InputStream in, String what, Limits limits) {
        super(in);
        this.what = what;
        this.limits = limits;
        this.startNanos = System.nanoTime();
        this.lastByteNanos = startNanos;
    }

    /** {@code in} read under {@code limits}; {@code what} (the URL and what is read) names it in the error. */
    public static InputStream watch(InputStream in, String what, Limits limits) {
        BodyDeadline d = new BodyDeadline(in, what, limits);
        d.schedule(Math.min(limits.idle().toNanos(), limits.total().toNanos()));
        return d;
    }

    private synchronized void schedule(long delayNanos) {
        if (!closed && expired == null) {
            check = WATCHDOG.schedule(this::check, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs on the watchdog thread. Rather than rescheduling on every byte, it checks when the nearer
     * deadline could have passed and, if bytes came meanwhile, sleeps again until the new one.
     */
    private void check() {
        long now = System.nanoTime();
        long idleLeft = lastByteNanos + limits.idle().toNanos() - now;
        long totalLeft = startNanos + limits.total().toNanos() - now;
        if (totalLeft <= 0) {
            expire(what + " did not complete within the total limit of " + seconds(limits.total()));
        } else if (idleLeft <= 0) {
            expire(what + " stalled: no byte within the idle limit of " + seconds(limits.idle()));
        } else {
            schedule(Math.min(idleLeft, totalLeft));
        }
    }

    private void expire(String why) {
        expired = why;
        try {
            in.close();
        } catch (IOException e) {
            // The reader learns of the expiry from its failed read; a close that fails has nothing to add.
        }
    }

    /** A limit as the errors name it: whole seconds as {@code N s}, else {@code N ms}. */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A read's result, or the deadline's error when the watchdog closed the body under it. */
    private int checked(int r) throws IOException {
        String why = expired;
        if (why != null) {
            // A closed body may also end quietly (-1): that is the deadline, not the end of the body.
            throw new Expired(why);
        }
        if (r > 0) {
            lastByteNanos = System.nanoTime();
        }
        return r;
    }

    private IOException failed(IOException e) {
        String why = expired;
        return why == null ? e : new Expired(why, e);
    }

    /**
     * A body that ran out of its idle or total limit: the reader's error, told apart from the link's
     * own failures (a connection closed mid-body), which the reader words itself.
     */
    public static final class Expired extends IOException {
        private static final long serialVersionUID = 1L;

        Expired(String message) {
            super(message);
        }

        Expired(String message, IOException cause) {
            super(message, cause);
        }
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            throw failed(e);
        }
        checked(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int r;
        try {
            r = in.read(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
        return checked(r);
    }

    @Override
    public long skip(long n) throws IOException {
        long s;
        try {
            s = in.skip(n);
        } catch (IOException e) {
            throw failed(e);
        }
        checked(s > 0 ? 1 : 0);
        return s;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
            if (check != null) {
                check.cancel(false);
            }
        }
        in.close();
    }
}
