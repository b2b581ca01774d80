// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fwdelta bench compare}: fwdelta against bsdiff, xdelta3 and zstd on every pair. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Patch size, diff/apply time and peak memory of fwdelta and its peers on every pair.")
public final class CompareMain implements Callable<Integer> {
    @Option(names = "--corpus", paramLabel = "DIR", description = "Corpus with a README pair table (default: ../shared/corpus).")
    Path corpus;

    @Option(names = "--pairs-dir", paramLabel = "DIR", description = "Instead: subdirectories each with old* and new*.")
    Path pairsDir;

    @Option(names = "--pair", paramLabel = "NAME", split = ",", description = "Only these pairs.")
    List<String> only;

    @Option(names = "--tool", paramLabel = "NAME", split = ",",
            description = "Only these tools (default: all; e.g. fwdelta,bsdiff,xdelta3,zstd skips the per-codec runs).")
    List<String> onlyTools;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results", description = "Output directory.")
    Path out;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per tool and pair; times are medians.")
    int runs;

    @Option(names = "--fwdelta-jar", paramLabel = "JAR", defaultValue = "diff-tool/target/fwdelta.jar")
    Path fwdeltaJar;

    @Option(names = "--jvm-options", paramLabel = "FILE", defaultValue = "diff-tool/jvm.options",
            description = "The JVM options file the fwdelta launcher uses; fwdelta runs as java @FILE -jar JAR.")
    Path jvmOptions;

    @Option(names = "--render", paramLabel = "RESULTS.json",
            description = "Do not measure: rewrite the table and chart of an earlier results.json into --out.")
    Path render;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new CompareMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (render != null) {
            Files.createDirectories(out);
            Report.writeAll(Report.readJson(render), out);
            return 0;
        }
        if (!Measured.available()) {
            throw new IllegalStateException("/usr/bin/time (Debian package 'time') is needed to measure peak memory");
        }
        Path corpusDir = corpus != null ? corpus : PairSource.corpusDir();
        List<ImagePair> pairs = pairsDir != null ? PairSource.fromDirectory(pairsDir) : PairSource.fromCorpus(corpusDir);
        if (only != null) {
            pairs = pairs.stream().filter(p -> only.contains(p.name())).toList();
        }
        Files.createDirectories(out);
        Path scratch = Files.createTempDirectory("fwdelta-compare");
        PrintWriter log = new PrintWriter(System.out, true);
        Map<String, Map<String, Long>> refs = pairsDir != null ? Map.of() : ReferenceFigures.quoted(corpusDir);
        List<PairResult> results;
        try {
            List<Tool> tools = Tool.all(fwdeltaJar.toAbsolutePath(), jvmOptions.toAbsolutePath()).stream()
                    .filter(t -> onlyTools == null || onlyTools.contains(t.name())).toList();
            results = new Harness(tools, runs, scratch, refs, log).run(pairs);
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
        boolean cds = Tool.launcherArguments(fwdeltaJar.toAbsolutePath(), jvmOptions).size() > 1;
        Report.Run run = new Report.Run(LocalDate.now().toString(), machine() + "; fwdelta run as java "
                + String.join(" ", Tool.jvmOptions(jvmOptions))
                + (cds ? " -XX:SharedArchiveFile=" + Tool.CDS_ARCHIVE : "") + " -jar fwdelta.jar", runs, results);
        Report.writeAll(run, out);
        log.printf("wrote %s/results.md, results.json, patch-sizes.png%n", out);
        return 0;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (Exception ignored) {
            // not Linux: the core count and OS still say something
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", " + System.getProperty("os.name")
                + ", Java " + System.getProperty("java.version");
    }
}
