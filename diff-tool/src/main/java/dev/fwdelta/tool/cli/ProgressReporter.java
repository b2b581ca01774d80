package dev.fwdelta.tool.cli;

import com.google.gson.Gson;
import dev.fwdelta.tool.transport.HostSession;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Progress for people (a bar on stderr) or pipelines (one JSON event per line on stdout). */
final class ProgressReporter implements HostSession.Progress {
    private static final Gson GSON = new Gson();
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final long start = System.nanoTime();
    private long lastPrint;

    ProgressReporter(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    @Override
    public void update(long acked, long total, long resumedAt) {
        long now = System.nanoTime();
        if (now - lastPrint < 200_000_000L && acked < total) {
            return;
        }
        lastPrint = now;
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        double rate = (acked - resumedAt) / seconds;
        double eta = rate > 0 ? (total - acked) / rate : 0;
        if (json) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event", "progress");
            e.put("acked", acked);
            e.put("total", total);
            e.put("bytes_per_second", Math.round(rate));
            e.put("eta_seconds", Math.round(eta * 10) / 10.0);
            out.println(GSON.toJson(e));
            out.flush();
            return;
        }
        int width = 30;
        int filled = (int) (width * acked / Math.max(1, total));
        err.printf("\r[%s%s] %3d%% %d/%d bytes %.1f KB/s ETA %.1f s ", "#".repeat(filled), ".".repeat(width - filled),
                100 * acked / Math.max(1, total), acked, total, rate / 1000, eta);
        if (acked >= total) {
            err.println();
        }
        err.flush();
    }

    void done(Map<String, Object> summary) {
        if (json) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event", "done");
            e.putAll(summary);
            out.println(GSON.toJson(e));
        } else {
            summary.forEach((k, v) -> out.printf("%-22s %s%n", k, v));
        }
        out.flush();
    }
}
