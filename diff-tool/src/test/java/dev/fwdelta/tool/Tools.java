// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external tools (Debian bsdiff, bspatch, ...) that .ci/run installs. A missing tool fails. */
public final class Tools {
    private Tools() {}

    public static void require(String tool) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed; .ci/run installs it (apt-get install " + debianPackage(tool) + ")");
    }

    /** The Debian package a tool comes in, where its name differs from the tool's. */
    static String debianPackage(String tool) {
        return switch (tool) {
            case "bspatch" -> "bsdiff";
            case "dfu-suffix" -> "dfu-util";
            default -> tool;
        };
    }

    /** Runs a command, fails the test on a non-zero exit; returns stdout+stderr. */
    public static String run(String... command) throws IOException, InterruptedException {
        require(command[0]);
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + out);
        return out;
    }
}
