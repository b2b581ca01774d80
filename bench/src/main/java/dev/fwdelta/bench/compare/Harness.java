package dev.fwdelta.bench.compare;

import dev.fwdelta.bench.ImagePair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs every tool on every pair, several times, and checks each patch applies back to the new image. */
final class Harness {
    private final List<Tool> tools;
    private final int runs;
    private final Path scratch;
    private final Map<String, Map<String, Long>> references;
    private final java.io.PrintWriter log;

    Harness(List<Tool> tools, int runs, Path scratch, Map<String, Map<String, Long>> references,
            java.io.PrintWriter log) {
        this.tools = tools;
        this.runs = runs;
        this.scratch = scratch;
        this.references = references;
        this.log = log;
    }

    List<PairResult> run(List<ImagePair> pairs) throws IOException, InterruptedException {
        List<PairResult> out = new ArrayList<>();
        for (ImagePair pair : pairs) {
            byte[] expected = Files.readAllBytes(pair.newPath());
            List<ToolResult> results = new ArrayList<>();
            for (Tool tool : tools) {
                ToolResult r = tool.present() ? measure(tool, pair, expected) : ToolResult.missing(tool.name());
                log.printf("%-12s %-14s %-9s %9d bytes  diff %.3f s  apply %.3f s%n", pair.name(), tool.name(),
                        r.status(), r.patchSize(), r.diffSeconds(), r.applySeconds());
                log.flush();
                results.add(r);
            }
            references.getOrDefault(pair.name(), Map.of())
                    .forEach((label, size) -> results.add(ToolResult.reference(label, size)));
            out.add(new PairResult(pair.name(), expected.length, results));
        }
        return out;
    }

    private ToolResult measure(Tool tool, ImagePair pair, byte[] expected) throws InterruptedException {
        Path patch = scratch.resolve(pair.name() + "." + tool.name() + ".patch");
        Path rebuilt = scratch.resolve(pair.name() + "." + tool.name() + ".new");
        double[] diff = new double[runs];
        double[] apply = new double[runs];
        long[] diffKb = new long[runs];
        long[] applyKb = new long[runs];
        long size = -1;
        try {
            for (int i = 0; i < runs; i++) {
                Files.deleteIfExists(patch);
                Files.deleteIfExists(rebuilt);
                Measured d = Measured.run(tool.commands().diff(pair.oldPath(), pair.newPath(), patch), scratch);
                long s = Files.size(patch);
                if (size >= 0 && s != size) {
                    return ToolResult.failed(tool.name(), "patch size changed between runs: " + size + " vs " + s);
                }
                size = s;
                Measured a = Measured.run(tool.commands().apply(pair.oldPath(), patch, rebuilt), scratch);
                if (!Arrays.equals(expected, Files.readAllBytes(rebuilt))) {
                    return ToolResult.failed(tool.name(), "applied patch does not reproduce the new image");
                }
                diff[i] = d.seconds();
                apply[i] = a.seconds();
                diffKb[i] = d.peakKb();
                applyKb[i] = a.peakKb();
            }
            return new ToolResult(tool.name(), "ok", size, median(diff), median(apply), median(diffKb), median(applyKb),
                    true, null);
        } catch (IOException e) {
            return ToolResult.failed(tool.name(), e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(patch);
                Files.deleteIfExists(rebuilt);
            } catch (IOException ignored) {
                // scratch space; the directory is removed at the end anyway
            }
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
