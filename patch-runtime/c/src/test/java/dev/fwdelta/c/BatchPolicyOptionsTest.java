// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy options of {@code fwdelta-c-apply --batch}: a value outside its field's width, with a
 * sign or not a number is a usage error (exit 2) naming the range, never wrapped (strtoull would
 * read "-1" as 2^64-1); the widths' ends are accepted.
 */
class BatchPolicyOptionsTest {
    @TempDir
    Path dir;

    @Test
    void badPolicyValuesAreUsageErrorsNamingTheRange() throws Exception {
        String version = "--installed-version must be 0..18446744073709551615";
        String board = "--hardware-id must be 0..4294967295";
        assertUsage(version, "--installed-version", "-1", "--hardware-id", "0");
        assertUsage(version, "--installed-version", "18446744073709551616", "--hardware-id", "0");
        assertUsage(version, "--installed-version", "+5", "--hardware-id", "0");
        assertUsage(version, "--installed-version", "5x", "--hardware-id", "0");
        assertUsage(board, "--installed-version", "5", "--hardware-id", "4294967296");
        assertUsage(board, "--installed-version", "5", "--hardware-id", "-1");
        assertUsage("--installed-version and --hardware-id go together", "--installed-version", "5");
        assertUsage("--installed-version and --hardware-id go together", "--hardware-id", "5");
        assertEquals(0, run("--installed-version", "18446744073709551615", "--hardware-id", "4294967295",
                "--signed-only").exit);
        assertEquals(0, run("--installed-version", "0", "--hardware-id", "0").exit);
    }

    private void assertUsage(String message, String... options) throws Exception {
        Result r = run(options);
        assertEquals(2, r.exit, String.join(" ", options) + ": " + r.stderr);
        assertTrue(r.stderr.contains(message), String.join(" ", options) + ": " + r.stderr);
    }

    private record Result(int exit, String stderr) {}

    /** --batch over an empty old image and an empty list of patches: only the options are checked. */
    private Result run(String... options) throws Exception {
        Path old = Files.write(dir.resolve("old.bin"), new byte[0]);
        Path list = Files.write(dir.resolve("mutants.bin"), new byte[0]);
        List<String> command = new ArrayList<>(List.of(CApplyTool.binary().toString(), "--batch", old.toString(),
                list.toString()));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fwdelta-c-apply did not end");
        return new Result(p.exitValue(), stderr);
    }
}
