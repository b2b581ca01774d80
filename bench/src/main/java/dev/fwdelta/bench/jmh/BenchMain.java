// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import dev.fwdelta.bench.PairSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CoreBenchmarks} with JMH's GC profiler and prints MB/s of new image and bytes
 * allocated per operation. {@code --quick}: 2 pairs, short iterations (a few minutes on 2 cores).
 * Other arguments are a regex of benchmark names (default: all). {@code --vs-bsdiff}: the diff
 * benchmark on every pair beside Debian bsdiff's whole-process throughput ({@link DiffVersusBsdiff}).
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        JmhArguments parsed;
        try {
            parsed = JmhArguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fwdelta: error: " + e.getMessage() + " (see 'fwdelta bench jmh --help')");
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.println(JmhArguments.USAGE);
            return;
        }
        boolean quick = parsed.quick();
        if (parsed.versusBsdiff()) {
            versusBsdiff(quick);
            return;
        }
        String include = parsed.regex();
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include(CoreBenchmarks.class.getName() + "." + include)
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-Dfwdelta.corpus=" + PairSource.corpusDir().toAbsolutePath());
        if (System.getProperty("fwdelta.pairs") != null) {
            opt.jvmArgsAppend("-Dfwdelta.pairs=" + System.getProperty("fwdelta.pairs"));
        }
        if (quick) {
            opt.param("pair", "synth-1-3", "pyb-small")
                    .warmupIterations(1).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(opt.build()).run();
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-14s %-12s %-6s %12s %10s %14s", "benchmark", "pair", "codec", "ops/s", "MB/s",
                "alloc B/op"));
        for (RunResult r : results) {
            var params = r.getParams();
            String pair = params.getParam("pair");
            String codec = params.getParam("codec") == null ? "-" : params.getParam("codec");
            double ops = r.getPrimaryResult().getScore();
            long newSize = PairSource.imageBytes(PairSource.pair(pair).newPath()).length;
            Result alloc = r.getSecondaryResults().get("·gc.alloc.rate.norm");
            if (alloc == null) {
                alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            }
            rows.add(String.format("%-14s %-12s %-6s %12.3f %10.2f %14.0f",
                    params.getBenchmark().replaceAll(".*\\.", ""), pair, codec, ops, ops * newSize / 1e6,
                    alloc == null ? Double.NaN : alloc.getScore()));
        }
        rows.forEach(System.out::println);
    }

    /** Bsdiff runs per pair for {@code --vs-bsdiff}: its median is the figure. */
    private static final int BSDIFF_RUNS = 5;

    /** {@code --vs-bsdiff}: the diff benchmark on every pair beside bsdiff's whole process ({@link DiffVersusBsdiff}). */
    private static void versusBsdiff(boolean quick) throws IOException, InterruptedException, RunnerException {
        Path scratch = Files.createTempDirectory("fwdelta-vs-bsdiff");
        try {
            List<DiffVersusBsdiff.Row> rows = DiffVersusBsdiff.run(PairSource.pairs(), BSDIFF_RUNS, quick, scratch);
            DiffVersusBsdiff.table(rows, BSDIFF_RUNS).forEach(System.out::println);
        } finally {
            try (var files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
