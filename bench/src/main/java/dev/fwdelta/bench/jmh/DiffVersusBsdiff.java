// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Issue 19's throughput goal: the JMH {@code diff} benchmark (the whole builder in a warm JVM) on
 * every pair, beside Debian bsdiff's whole-process throughput on the same bytes. Pair by pair,
 * bsdiff's runs come right after the pair's JMH run, so that both meet the same spell of a shared
 * machine. MB/s are of new image; a HEX pair is its main flash region for both tools.
 */
public final class DiffVersusBsdiff {
    /** One pair's figures. */
    record Row(String pair, int newSize, double fwdeltaOpsPerSecond, double bsdiffSeconds) {
        double fwdeltaMegabytesPerSecond() {
            return fwdeltaOpsPerSecond * newSize / 1e6;
        }

        double bsdiffMegabytesPerSecond() {
            return newSize / bsdiffSeconds / 1e6;
        }

        /** fwdelta's throughput over bsdiff's: above 1 meets the goal. */
        double ratio() {
            return fwdeltaMegabytesPerSecond() / bsdiffMegabytesPerSecond();
        }
    }

    private DiffVersusBsdiff() {}

    /** Warm-up iterations of the diff benchmark (of the benchmark's 3 s each) before measuring. */
    static final int WARMUP_ITERATIONS = 6;

    static List<Row> run(List<ImagePair> pairs, int bsdiffRuns, boolean quick, Path scratch)
            throws IOException, InterruptedException, RunnerException {
        List<Row> rows = new ArrayList<>();
        for (ImagePair p : pairs) {
            byte[] oldImage = PairSource.imageBytes(p.oldPath());
            byte[] newImage = PairSource.imageBytes(p.newPath());
            ChainedOptionsBuilder opt = new OptionsBuilder()
                    .include(CoreBenchmarks.class.getName() + ".diff$")
                    .param("pair", p.name())
                    .jvmArgsAppend("-Dfwdelta.corpus=" + PairSource.corpusDir().toAbsolutePath());
            if (System.getProperty("fwdelta.pairs") != null) {
                opt.jvmArgsAppend("-Dfwdelta.pairs=" + System.getProperty("fwdelta.pairs"));
            }
            if (quick) {
                opt.warmupIterations(1).warmupTime(TimeValue.seconds(2))
                        .measurementIterations(2).measurementTime(TimeValue.seconds(2));
            } else {
                // A firmware pair's diff runs two or three times a second, and the JIT is still
                // compiling after the benchmarks' usual 2 warm-up iterations: measured iterations
                // rose from 1.2 to 2.1 ops/s on microbit-v2-7-8 with them.
                opt.warmupIterations(WARMUP_ITERATIONS);
            }
            RunResult r = new Runner(opt.build()).runSingle();
            double seconds = bsdiffSeconds(oldImage, newImage, bsdiffRuns, scratch.resolve(p.name()));
            rows.add(new Row(p.name(), newImage.length, r.getPrimaryResult().getScore(), seconds));
            System.out.printf(Locale.ROOT, "%s: fwdelta diff %.3f ops/s, bsdiff %.3f s%n", p.name(),
                    r.getPrimaryResult().getScore(), seconds);
        }
        return rows;
    }

    /**
     * Median wall time of {@code runs} whole bsdiff processes on the images, written to raw files
     * first (one run before them fills the page cache and is not counted).
     */
    public static double bsdiffSeconds(byte[] oldImage, byte[] newImage, int runs, Path dir)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path oldFile = Files.write(dir.resolve("old.bin"), oldImage);
        Path newFile = Files.write(dir.resolve("new.bin"), newImage);
        Path patch = dir.resolve("patch.bsdiff");
        double[] seconds = new double[runs];
        for (int i = -1; i < runs; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder("bsdiff", oldFile.toString(), newFile.toString(), patch.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IOException("bsdiff failed (exit " + p.exitValue() + ") on " + dir.getFileName());
            }
            if (i >= 0) {
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Arrays.sort(seconds);
        return runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
    }

    /** The Markdown table, with the count of pairs where fwdelta's in-process diff is ahead. */
    static List<String> table(List<Row> rows, int bsdiffRuns) {
        List<String> out = new ArrayList<>();
        out.add("| pair | new size | fwdelta diff, JMH (MB/s) | bsdiff whole process, median of " + bsdiffRuns
                + " (MB/s) | fwdelta / bsdiff |");
        out.add("|---|---|---|---|---|");
        int ahead = 0;
        for (Row r : rows) {
            out.add(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |", r.pair(), r.newSize(),
                    r.fwdeltaMegabytesPerSecond(), r.bsdiffMegabytesPerSecond(), r.ratio()));
            if (r.ratio() > 1) {
                ahead++;
            }
        }
        out.add("");
        out.add("fwdelta's in-process diff is faster than bsdiff's whole process on " + ahead + " of " + rows.size()
                + " pairs.");
        return out;
    }
}
