// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line reads and writes the same text whatever the user's locale, run as a user runs
 * it (main() in a JVM of its own started in that locale): numbers in ASCII digits with a '.',
 * sizes such as 16kib and JSON keys the same under Turkish case rules (where "i" upper-cases to a
 * dotted capital and "I" lower-cases to a dotless one).
 */
class LocaleIndependentOutputTest {
    private static final List<String> THAI_DIGITS = List.of("-Duser.language=th", "-Duser.country=TH",
            "-Duser.variant=TH");
    private static final List<String> TURKISH = List.of("-Duser.language=tr", "-Duser.country=TR");
    /** The summary line of a diff, every number in it ASCII. */
    private static final Pattern DIFF_LINE = Pattern.compile(
            "wrote .*: [0-9]+ bytes for a [0-9]+-byte image \\([0-9]+\\.[0-9]{2}%\\), .*decoder RAM [0-9]+ bytes\\R");

    @TempDir
    Path dir;
    private Path oldBin;
    private Path newBin;
    private Path patch;

    @BeforeEach
    void images() throws Exception {
        CliFixture images = new CliFixture(dir);
        oldBin = images.oldBin;
        newBin = images.newBin;
        patch = dir.resolve("update.fwd");
    }

    @Test
    void numbersAreAsciiInALocaleWithDigitsOfItsOwn() throws Exception {
        ChildCli.Result r = ChildCli.run(THAI_DIGITS, "diff", oldBin.toString(), newBin.toString(), "-o",
                patch.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(DIFF_LINE.matcher(r.out()).matches(), r.out());
    }

    @Test
    void sizesAndJsonKeysReadTheSameUnderTurkishCaseRules() throws Exception {
        ChildCli.Result diff = ChildCli.run(TURKISH, "diff", oldBin.toString(), newBin.toString(), "-o",
                patch.toString(), "--ram-budget", "16kib");
        assertEquals(0, diff.exit(), diff.err());
        ChildCli.Result sim = ChildCli.run(TURKISH, "device", "simulate", "--layout", "stm32f405-1m", "--old",
                oldBin.toString(), "--patch", patch.toString(), "--power-cut", "random:2", "--json");
        assertEquals(0, sim.exit(), sim.err());
        String done = sim.out().lines().filter(l -> l.contains("\"event\":\"done\"")).findFirst().orElseThrow();
        assertTrue(done.contains("\"new_confirmed\":2"), done);
    }
}
