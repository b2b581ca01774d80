// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A warning about something that recurs under a flood (a cap reached, a connection refused): one
 * line at most in {@link #INTERVAL}, saying how many times it recurred since the last, since a line
 * each time would flood the log too.
 */
final class RareWarning {
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final Logger log;
    /** What recurred, as the line counting it says: "reached", "refused". */
    private final String recurred;
    // Guarded by this.
    private boolean warned;
    private long lastNanos;
    private long since;

    RareWarning(Logger log, String recurred) {
        this.log = log;
        this.recurred = recurred;
    }

    /** Logs {@code line} unless a line was logged less than {@link #INTERVAL} ago; counts it then. */
    synchronized void warn(Supplier<String> line) {
        long now = System.nanoTime();
        if (warned && now - lastNanos < INTERVAL.toNanos()) {
            since++;
            return;
        }
        String more = since == 0 ? "" : " (" + recurred + " " + since + " more times since the last such line)";
        log.warn("{}{}", line.get(), more);
        warned = true;
        lastNanos = now;
        since = 0;
    }
}
