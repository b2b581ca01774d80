// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a whole process: wall time measured around it here, peak resident memory from GNU
 * time ({@code /usr/bin/time -f %M}, kilobytes).
 */
record Measured(double seconds, long peakKb) {
    private static final String GNU_TIME = "/usr/bin/time";

    static boolean available() {
        return Files.isExecutable(Path.of(GNU_TIME));
    }

    static Measured run(List<String> command, Path scratch) throws IOException, InterruptedException {
        Path timeFile = Files.createTempFile(scratch, "time", ".txt");
        List<String> full = new ArrayList<>(List.of(GNU_TIME, "-f", "%M", "-o", timeFile.toString()));
        full.addAll(command);
        Path log = Files.createTempFile(scratch, "out", ".txt");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        List<String> lines = Files.readAllLines(timeFile);
        long kb = Long.parseLong(lines.get(lines.size() - 1).strip());
        Files.delete(timeFile);
        Files.delete(log);
        return new Measured(seconds, kb);
    }
}
