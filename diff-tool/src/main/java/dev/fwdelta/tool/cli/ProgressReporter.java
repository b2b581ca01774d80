// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.sim.PowerCutCampaign;
import dev.fwdelta.tool.stm32.DeltaFlasher;
import dev.fwdelta.tool.transport.HostSession;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Progress of a long command, in the form its reader wants: a redrawn bar on a terminal, a plain
 * line every few seconds on a pipe (a log), or JSON lines on standard output with {@code --json}.
 * The first update and the end of each phase are always shown; the clock is injected so tests
 * count lines without waiting.
 */
final class ProgressReporter implements HostSession.Progress, DeltaFlasher.Progress, PowerCutCampaign.Progress {
    enum Mode {
        /** A terminal: one bar on standard error, redrawn in place. */
        BAR(200_000_000L),
        /** A pipe or file: one line on standard error every few seconds, nothing redrawn. */
        LINES(5_000_000_000L),
        /** --json: {"event":"progress",...} lines on standard output. */
        JSON(1_000_000_000L);

        final long intervalNanos;

        Mode(long intervalNanos) {
            this.intervalNanos = intervalNanos;
        }
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private long phaseStart;
    private long lastPrint;
    private String lastPhase;
    private boolean shownFinished;
    private boolean barOpen;

    ProgressReporter(PrintWriter out, PrintWriter err, Mode mode, LongSupplier nanoClock) {
        this.out = out;
        this.err = err;
        this.mode = mode;
        this.nanoClock = nanoClock;
    }

    /** JSON lines with --json; else a bar when the process has a terminal, plain lines when not. */
    static ProgressReporter forCommand(PrintWriter out, PrintWriter err, boolean json) {
        Mode mode = json ? Mode.JSON : System.console() != null ? Mode.BAR : Mode.LINES;
        return new ProgressReporter(out, err, mode, System::nanoTime);
    }

    /** Bytes acknowledged by a device: the rate and time left come with them. */
    @Override
    public void update(long acked, long total, long resumedAt) {
        report("send", acked, total, "bytes", acked - resumedAt);
    }

    /** A phase of stm32 flash: bytes read and written; DeltaFlasher counts its "verify" phase in sectors. */
    @Override
    public void update(String phase, long done, long total) {
        report(phase, done, total, phase.equals("verify") ? "sectors" : "bytes", done);
    }

    /** Power-cut runs finished of a campaign. */
    @Override
    public void cutDone(long done, long total) {
        report("power-cut runs", done, total, "runs", done);
    }

    private void report(String phase, long done, long total, String unit, long doneThisRun) {
        long now = nanoClock.getAsLong();
        boolean newPhase = !phase.equals(lastPhase);
        boolean finished = done >= total;
        if (!newPhase && (finished ? shownFinished : now - lastPrint < mode.intervalNanos)) {
            return; // shown recently, or the end of this phase was shown already
        }
        if (newPhase && barOpen) {
            err.println();
            barOpen = false;
        }
        if (newPhase) {
            phaseStart = now;
        }
        lastPhase = phase;
        lastPrint = now;
        shownFinished = finished;
        double seconds = Math.max(1e-3, (now - phaseStart) / 1e9);
        double rate = doneThisRun / seconds;
        double eta = rate > 0 ? (total - done) / rate : 0;
        int percent = (int) (100 * done / Math.max(1, total));
        switch (mode) {
            case JSON -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("phase", phase);
                e.put("done", done);
                e.put("total", total);
                e.put("unit", unit);
                e.put("per_second", Math.round(rate));
                e.put("eta_seconds", Math.round(eta * 10) / 10.0);
                new CommandOutput(out, true).event("progress", e);
            }
            case BAR -> {
                int width = 30;
                int filled = (int) (width * done / Math.max(1, total));
                // no time left before anything was done: the rate is not known yet
                err.printf("\r%-14s [%s%s] %3d%% %d/%d %s%s ", phase, "#".repeat(filled),
                        ".".repeat(width - filled), percent, done, total, unit,
                        rate > 0 ? String.format(", ETA %.1f s", eta) : "");
                barOpen = !finished;
                if (finished) {
                    err.println();
                }
            }
            case LINES -> err.printf("%s: %d%% (%d of %d %s)%s%n", phase, percent, done, total, unit,
                    finished || rate <= 0 ? "" : String.format(", about %.0f s left", eta));
        }
        err.flush();
    }
}
