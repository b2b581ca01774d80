// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.tool.image.ImageFormat;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.MainFlash;
import java.io.IOException;
import java.io.PrintWriter;
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
    private final PrintWriter log;

    Harness(List<Tool> tools, int runs, Path scratch, Map<String, Map<String, Long>> references,
            PrintWriter log) {
        this.tools = tools;
        this.runs = runs;
        this.scratch = scratch;
        this.references = references;
        this.log = log;
    }

    /**
     * Each pair's runs are interleaved: run 1 of every tool, then run 2 of every tool, and so on,
     * so that a slow spell of the machine hits every tool alike and the ratios to bsdiff hold
     * (measured one tool after another, libpython's ratio nearly doubled between two runs as
     * bsdiff's own time moved by a third).
     */
    List<PairResult> run(List<ImagePair> pairs) throws IOException, InterruptedException {
        List<PairResult> out = new ArrayList<>();
        for (ImagePair listed : pairs) {
            ImagePair pair = mainFlashOf(listed);
            byte[] expected = Files.readAllBytes(pair.newPath());
            List<Samples> samples = tools.stream().map(t -> new Samples(t, runs)).toList();
            for (int i = 0; i < runs; i++) {
                for (Samples s : samples) {
                    if (s.tool.present() && s.failure == null) {
                        measureOnce(s, pair, expected, i);
                    }
                }
            }
            List<ToolResult> results = new ArrayList<>();
            for (Samples s : samples) {
                ToolResult r = s.result();
                log.printf("%-12s %-14s %-9s %9d bytes  diff %.3f s  apply %.3f s%n", pair.name(), s.tool.name(),
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

    /**
     * The pair with each Intel HEX file replaced by its main flash region as a .bin in the scratch
     * directory ({@link MainFlash}): the peers take raw images, and the corpus README measured them
     * on those bytes. Raw images are used as they are.
     */
    private ImagePair mainFlashOf(ImagePair pair) throws IOException {
        return new ImagePair(pair.name(), flat(pair.oldPath(), pair.name() + ".old.bin"),
                flat(pair.newPath(), pair.name() + ".new.bin"));
    }

    private Path flat(Path image, String name) throws IOException {
        if (ImageLoader.detect(image) == ImageFormat.BIN) {
            return image;
        }
        Path bin = scratch.resolve(name);
        Files.write(bin, MainFlash.read(image).bytes());
        return bin;
    }

    /** One tool's measurements on one pair, run by run; a failure ends them. */
    private static final class Samples {
        final Tool tool;
        final double[] diff;
        final double[] apply;
        final long[] diffKb;
        final long[] applyKb;
        long size = -1;
        String failure;

        Samples(Tool tool, int runs) {
            this.tool = tool;
            this.diff = new double[runs];
            this.apply = new double[runs];
            this.diffKb = new long[runs];
            this.applyKb = new long[runs];
        }

        ToolResult result() {
            if (!tool.present()) {
                return ToolResult.missing(tool.name());
            }
            if (failure != null) {
                return ToolResult.failed(tool.name(), failure);
            }
            return new ToolResult(tool.name(), "ok", size, median(diff), median(apply), median(diffKb),
                    median(applyKb), true, null);
        }
    }

    private void measureOnce(Samples s, ImagePair pair, byte[] expected, int i) throws InterruptedException {
        Tool tool = s.tool;
        Path patch = scratch.resolve(pair.name() + "." + tool.name() + ".patch");
        Path rebuilt = scratch.resolve(pair.name() + "." + tool.name() + ".new");
        try {
            Files.deleteIfExists(patch);
            Files.deleteIfExists(rebuilt);
            Measured d = Measured.run(tool.commands().diff(pair.oldPath(), pair.newPath(), patch), scratch);
            long size = Files.size(patch);
            if (s.size >= 0 && size != s.size) {
                s.failure = "patch size changed between runs: " + s.size + " vs " + size;
                return;
            }
            s.size = size;
            Measured a = Measured.run(tool.commands().apply(pair.oldPath(), patch, rebuilt), scratch);
            if (!Arrays.equals(expected, Files.readAllBytes(rebuilt))) {
                s.failure = "applied patch does not reproduce the new image";
                return;
            }
            s.diff[i] = d.seconds();
            s.apply[i] = a.seconds();
            s.diffKb[i] = d.peakKb();
            s.applyKb[i] = a.peakKb();
        } catch (IOException e) {
            s.failure = e.getMessage();
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
