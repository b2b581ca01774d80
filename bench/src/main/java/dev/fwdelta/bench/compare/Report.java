// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The harness's outputs: results.json (raw), results.md (tables), patch-sizes.png (chart). */
final class Report {
    private Report() {}

    record Run(String date, String machine, int runs, List<PairResult> pairs) {
    }

    private static final com.google.gson.Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    static void writeJson(Run run, Path file) throws IOException {
        Files.writeString(file, GSON.toJson(run) + "\n");
    }

    static Run readJson(Path file) throws IOException {
        return GSON.fromJson(Files.readString(file), Run.class);
    }

    /** results.md and patch-sizes.png beside results.json. */
    static void writeAll(Run run, Path out) throws IOException {
        writeJson(run, out.resolve("results.json"));
        Files.writeString(out.resolve("results.md"), markdown(run));
        writeChart(run, out.resolve("patch-sizes.png"));
    }

    static String markdown(Run run) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(run.machine()).append(". Date: ").append(run.date())
                .append(". Median of ").append(run.runs()).append(" runs.\n\n");
        List<String> tools = toolNames(run);
        sb.append("Patch size in bytes (`quoted`: from the corpus README, not run here; `-`: tool missing or failed):\n\n");
        sb.append("| pair | new size |");
        tools.forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append(" best peer | fwdelta / best peer |\n|---|---|");
        tools.forEach(t -> sb.append("---|"));
        sb.append("---|---|\n");
        for (PairResult p : run.pairs()) {
            sb.append("| ").append(p.pair()).append(" | ").append(p.newSize()).append(" |");
            for (String t : tools) {
                sb.append(' ').append(p.tool(t).filter(r -> r.ok() || r.status().equals("reference"))
                        .map(r -> Long.toString(r.patchSize())).orElse("-")).append(" |");
            }
            var fw = p.tool("fwdelta").filter(ToolResult::ok);
            var best = p.bestPeer();
            sb.append(' ').append(best.map(b -> b.tool() + " " + b.patchSize()).orElse("-")).append(" |");
            sb.append(' ').append(fw.isPresent() && best.isPresent()
                    ? String.format(Locale.ROOT, "%.3f", (double) fw.get().patchSize() / best.get().patchSize())
                    : "-").append(" |\n");
        }
        geometricMean(run).ifPresent(g -> sb.append(String.format(Locale.ROOT,
                "\nGeometric mean of fwdelta / best peer over the %d pairs with both: %.3f.\n", g.pairs(), g.mean())));
        sb.append("\nWhole-process times as ratios to bsdiff/bspatch in the same run (diff ratio / apply ratio; "
                + "lower is faster), and peak memory (MB, diff / apply):\n\n");
        List<String> ran = tools.stream().filter(t -> !t.contains("quoted")).toList();
        sb.append("| pair | bsdiff s (diff / apply) |");
        ran.forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append("\n|---|---|");
        ran.forEach(t -> sb.append("---|"));
        sb.append('\n');
        for (PairResult p : run.pairs()) {
            var bs = p.tool("bsdiff").filter(ToolResult::ok);
            sb.append("| ").append(p.pair()).append(" | ")
                    .append(bs.map(b -> String.format(Locale.ROOT, "%.3f / %.3f", b.diffSeconds(), b.applySeconds()))
                            .orElse("-")).append(" |");
            for (String t : ran) {
                var r = p.tool(t).filter(ToolResult::ok);
                if (r.isEmpty() || bs.isEmpty()) {
                    sb.append(" - |");
                    continue;
                }
                sb.append(String.format(Locale.ROOT, " %.2f / %.2f (%.0f / %.0f MB) |",
                        r.get().diffSeconds() / bs.get().diffSeconds(), r.get().applySeconds() / bs.get().applySeconds(),
                        r.get().diffPeakKb() / 1024.0, r.get().applyPeakKb() / 1024.0));
            }
            sb.append('\n');
        }
        for (PairResult p : run.pairs()) {
            for (ToolResult r : p.tools()) {
                if (!r.ok() && !r.status().equals("reference")) {
                    sb.append("\n- ").append(p.pair()).append(": ").append(r.tool()).append(' ').append(r.status())
                            .append(r.error() == null ? "" : ": " + r.error());
                }
            }
        }
        return sb.append('\n').toString();
    }

    /** The geometric mean of fwdelta / best peer, and over how many pairs. */
    record GeometricMean(int pairs, double mean) {
    }

    static Optional<GeometricMean> geometricMean(Run run) {
        double logSum = 0;
        int n = 0;
        for (PairResult p : run.pairs()) {
            var fw = p.tool("fwdelta").filter(ToolResult::ok);
            var best = p.bestPeer();
            if (fw.isPresent() && best.isPresent()) {
                logSum += Math.log((double) fw.get().patchSize() / best.get().patchSize());
                n++;
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(new GeometricMean(n, Math.exp(logSum / n)));
    }

    static void writeChart(Run run, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1200).height(600)
                .title("Patch size per pair (bytes, log scale; smaller is better)")
                .xAxisTitle("pair").yAxisTitle("bytes").build();
        chart.getStyler().setYAxisLogarithmic(true);
        // Bars cannot start from zero on a log axis: one marker per tool and pair instead.
        chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        for (String tool : toolNames(run)) {
            if (tool.startsWith("fwdelta-")) {
                continue; // the default stands for fwdelta; per-codec sizes are in the table
            }
            // Every series spans every pair (XChart aligns by position); a missing size is a null gap.
            List<String> pairs = new ArrayList<>();
            List<Number> sizes = new ArrayList<>();
            for (PairResult p : run.pairs()) {
                pairs.add(p.pair());
                sizes.add(p.tool(tool).filter(r -> r.ok() || r.status().equals("reference"))
                        .map(r -> (Number) r.patchSize()).orElse(null));
            }
            if (sizes.stream().anyMatch(Objects::nonNull)) {
                chart.addSeries(tool, pairs, sizes);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<String> toolNames(Run run) {
        Set<String> names = new LinkedHashSet<>();
        run.pairs().forEach(p -> p.tools().forEach(t -> names.add(t.tool())));
        return new ArrayList<>(names);
    }
}
