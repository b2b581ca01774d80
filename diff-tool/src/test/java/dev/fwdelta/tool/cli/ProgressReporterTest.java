// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How often each kind of progress speaks, counted in lines against an injected clock. */
class ProgressReporterTest {
    private static final long SECOND = 1_000_000_000L;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private long now;

    private ProgressReporter reporter(ProgressReporter.Mode mode) {
        return new ProgressReporter(new PrintWriter(out, true), new PrintWriter(err, true), mode, () -> now);
    }

    /** 101 updates one second apart: 0 of 100 at t = 0 s up to 100 of 100 at t = 100 s. */
    private void hundredSeconds(ProgressReporter p) {
        for (int i = 0; i <= 100; i++) {
            now = i * SECOND;
            p.cutDone(i, 100);
        }
    }

    @Test
    void aPipeGetsALineEveryFiveSecondsAndTheEnd() {
        hundredSeconds(reporter(ProgressReporter.Mode.LINES));
        List<String> lines = err.toString().lines().toList();
        // t = 0, 5, ..., 95 s, then the end at 100 s; nothing redrawn, nothing on standard output
        assertEquals(21, lines.size(), err.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\r")));
        assertEquals("power-cut runs: 100% (100 of 100 runs)", lines.get(20));
        assertEquals("", out.toString());
    }

    @Test
    void aTerminalBarIsRedrawnInPlace() {
        hundredSeconds(reporter(ProgressReporter.Mode.BAR));
        String shown = err.toString();
        assertEquals(101, shown.chars().filter(c -> c == '\r').count(), "one redraw per update a second apart");
        assertEquals(1, shown.chars().filter(c -> c == '\n').count(), "a bar is one line, ended once");
    }

    @Test
    void jsonGetsAnEventASecondAndTheEnd() {
        ProgressReporter p = reporter(ProgressReporter.Mode.JSON);
        for (int i = 0; i <= 100; i++) {
            now = i * SECOND / 4; // four updates a second: one event a second
            p.cutDone(i, 100);
        }
        List<String> lines = out.toString().lines().toList();
        assertEquals(26, lines.size(), out.toString()); // t = 0, 1, ..., 24 s and the end at 25 s
        JsonObject last = JsonParser.parseString(lines.get(25)).getAsJsonObject();
        assertEquals("progress", last.get("event").getAsString());
        assertEquals(100, last.get("done").getAsLong());
        assertEquals(100, last.get("total").getAsLong());
        assertEquals("", err.toString());
    }

    @Test
    void aNewPhaseIsShownAtOnceAndAnEndOnlyOnce() {
        ProgressReporter p = reporter(ProgressReporter.Mode.LINES);
        p.update("erasing", 0, 10);
        p.update("erasing", 10, 10);
        p.update("erasing", 10, 10);
        p.update("writing", 0, 10);
        // nothing done yet: no rate, so no time left is claimed
        assertEquals(List.of("erasing: 0% (0 of 10 bytes)", "erasing: 100% (10 of 10 bytes)",
                "writing: 0% (0 of 10 bytes)"), err.toString().lines().toList());
    }
}
