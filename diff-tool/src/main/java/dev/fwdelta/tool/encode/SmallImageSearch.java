// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.MatchIndex;
import dev.fwdelta.tool.diff.RememberingIndex;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import dev.fwdelta.tool.encode.PatchBuilder.Built;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The search for a small image's (firmware's) smallest patch: the old image indexed by a suffix
 * array, three alignment margins; the views are screened on the first margin's plain diff and
 * diffed again at every margin, less those (and the plain diff) surely behind at the first. On
 * the first margin's plain diff each codec picks its record kind and lc/lp/pb by fast-mode trials
 * ({@link TrialRanking}); the other diffs try only those winners, and only a diff whose fast-mode
 * size is its codec's best once every diff is tried is encoded in full ({@link FastModeBest});
 * the first margin's finalists are encoded at once only where their full sizes must choose
 * (MarginTrials).
 */
final class SmallImageSearch {
    private SmallImageSearch() {}

    /**
     * Threads for the views' suffix arrays and scans, one per core. Not the common pool: on two
     * cores it has one worker, which the trials' parallel streams take too, and the views queued
     * behind them while the caller waited for them (docs/bench, "In-process diff throughput").
     */
    private static final ExecutorService VIEW_WORKERS = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), task -> {
                Thread t = new Thread(task, "fwdelta-view");
                t.setDaemon(true);
                return t;
            });

    /** How many relocated views are diffed again: each costs about as much as the plain diff. */
    private static final int REDIFFED_VIEWS = 2;

    /**
     * How much a match must beat the current alignment by to start a new record (bsdiff: 8). No
     * one value is best: a low margin follows new code's short matches (the releases far apart
     * gain most), a high one keeps long records whole and lets the relocated view pick a small
     * map. Small images try these three; on the corpus 7 and 8 never won against them
     * (docs/bench, "Alignment margins"). The widest comes first: the views are screened on its
     * plain diff, whose long records give the small maps (docs/bench, "Views screened once").
     */
    private static final int[] SMALL_IMAGE_MARGINS = {12, 6, 4};

    /**
     * How far behind another codec's best patch a codec's best may be and still be tried on the
     * views and the other margins (see Setting.winners).
     */
    static final double SURELY_BEHIND = 1.02;

    /**
     * The smallest patch of the plain diff and the best views at every alignment margin, the
     * views screened once, on the first (widest) margin's plain diff, and each view's suffix
     * array serving every margin.
     */
    static Built build(byte[] oldImage, byte[] newImage, List<BlockCompressor> candidates, ImageSums sums,
                       BuildOptions options) {
        MatchIndex index = new RememberingIndex(SuffixArrayIndex.of(oldImage), newImage);
        List<DeltaRecord> widest = AlignmentScanner.diff(index, newImage, SMALL_IMAGE_MARGINS[0]);
        List<IndexedView> views = ViewScreen.screened(oldImage, newImage, widest, options, REDIFFED_VIEWS)
                .stream().map(v -> IndexedView.of(v, newImage)).toList();
        List<Encoded> built = new ArrayList<>();
        List<Setting> settings = Setting.every(candidates);
        FastModeBest fastBest = new FastModeBest();
        // Finalists wait until every diff has been tried, and only those still the best of
        // their codec in fast mode are encoded. The first margin's are encoded at once when
        // its fast-mode sizes leave a choice open (Ranking.decidedInFastMode).
        List<Finalist> later = new ArrayList<>();
        boolean plainInTheRunning = true;
        Map<Codec, Double> scales = Map.of(); // the views' trials on windows: none until the first plain diff is tried
        for (int margin : SMALL_IMAGE_MARGINS) {
            boolean first = margin == SMALL_IMAGE_MARGINS[0];
            List<DeltaRecord> records = first ? widest
                    : plainInTheRunning ? AlignmentScanner.diff(index, newImage, margin) : null;
            MarginTrials tried = buildByFullTrials(records, views, margin, settings, candidates, fastBest, first,
                    scales, newImage, sums, options);
            built.addAll(tried.encoded());
            built.addAll(tried.aside());
            later.addAll(tried.waiting());
            // The other margins try what won the first for each codec (it wins there too, as
            // a rule): one record kind and one lc/lp/pb of each codec still in the running.
            // A diff surely behind at the first margin is not made again: a margin moves the
            // plain diff and the views alike (on no corpus pair did one of those come back to win).
            if (first) {
                settings = tried.winners();
                scales = tried.scales();
                plainInTheRunning = !tried.viewSurelyAhead();
                views = inTheRunning(views, tried);
            }
        }
        built.addAll(TrialRanking.encodeInFull(later.stream()
                .filter(f -> fastBest.worthEncoding(f.trial().codec().codec(), f.fastSize())).toList(),
                newImage, sums, options));
        return built.stream().map(Encoded::built).min(Comparator.comparingInt(b -> b.patch().length))
                .orElseThrow();
    }

    /**
     * The given settings on the plain diff (unless {@code records} is null), the views with those
     * that won there. Their finalists wait for the end of the search, or on the first margin are
     * encoded in full at once unless its fast-mode sizes decide (Ranking.decidedInFastMode). The
     * views are tried on windows of the image with the scales given, or on the first margin with
     * those its plain diff gives (TrialWindows).
     */
    private static MarginTrials buildByFullTrials(List<DeltaRecord> records, List<IndexedView> views, int margin,
                                                  List<Setting> settings, List<BlockCompressor> candidates,
                                                  FastModeBest fastBest, boolean first, Map<Codec, Double> scales,
                                                  byte[] newImage, ImageSums sums, BuildOptions options) {
        // The views are diffed while the plain diff is tried (on the first margin their suffix
        // arrays are still being built): the trials take whichever cores are free.
        List<CompletableFuture<List<DeltaRecord>>> viewDiffs = views.stream()
                .map(v -> v.index().thenApplyAsync(ix -> AlignmentScanner.diff(ix, newImage, margin), VIEW_WORKERS))
                .toList();
        List<Encoded> encoded = new ArrayList<>();
        List<Finalist> waiting = new ArrayList<>();
        long plainFast = Long.MAX_VALUE;
        boolean wait = !first;
        if (records != null) {
            Ranking plain = TrialRanking.rank(records, null, Setting.pairings(settings, candidates), newImage, sums,
                    options).admitted(fastBest);
            plainFast = plain.smallest();
            wait = wait || plain.decidedInFastMode();
            settle(plain, wait, encoded, waiting, newImage, sums, options);
            if (first) {
                scales = TrialWindows.scales(records, plain.finalists(), newImage.length, options);
            }
        }
        Map<Codec, Double> viewScales = scales;
        // The settings that won on the plain diff win on a view too, as a rule, and a codec surely
        // behind there stays behind (Setting.winners); when no plain diff of this margin was worth
        // encoding, the views take the settings given.
        List<Setting> plainBest = !encoded.isEmpty() ? Setting.winners(encoded)
                : first && !waiting.isEmpty() ? Setting.fastWinners(waiting) : settings;
        // The views' trials run side by side, each on its diff's thread (a view's trials are few,
        // often one, and one trial keeps one core busy); they are admitted in order.
        List<CompletableFuture<Ranking>> viewRankings = new ArrayList<>();
        List<CompletableFuture<List<Encoded>>> asideRankings = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            RelocationMap map = views.get(i).view().map();
            List<Pairing> pairings = withMap(map, plainBest, candidates, options);
            viewRankings.add(viewDiffs.get(i).thenApplyAsync(
                    diff -> TrialRanking.rank(diff, map, pairings, newImage, sums, options, viewScales), VIEW_WORKERS));
            List<Pairing> siblings = siblingsBesideMap(map, plainBest, options);
            if (!siblings.isEmpty()) {
                asideRankings.add(viewDiffs.get(i).thenApplyAsync(diff -> {
                    Ranking r = TrialRanking.rank(diff, map, siblings, newImage, sums, options, viewScales);
                    List<Encoded> all = new ArrayList<>(r.encoded());
                    all.addAll(TrialRanking.encodeInFull(r.finalists(), newImage, sums, options));
                    return all;
                }, VIEW_WORKERS));
            }
        }
        long[] viewFast = new long[views.size()];
        for (int i = 0; i < views.size(); i++) {
            Ranking view = viewRankings.get(i).join().admitted(fastBest);
            viewFast[i] = view.smallest();
            settle(view, wait, encoded, waiting, newImage, sums, options);
        }
        if (first && wait && Arrays.stream(viewFast).anyMatch(size -> size < TrialRanking.CHEAP_ENCODE_BYTES)) {
            // A small view: fast mode misleads there, the first margin's choices take full sizes.
            encoded.addAll(TrialRanking.encodeInFull(waiting, newImage, sums, options));
            waiting.clear();
        }
        List<Encoded> aside = asideRankings.stream().flatMap(f -> f.join().stream()).toList();
        return new MarginTrials(encoded, waiting, plainFast, viewFast, aside, viewScales);
    }

    /** A ranking's finalists encoded in full now, or left waiting (with what it encoded already). */
    private static void settle(Ranking ranking, boolean wait, List<Encoded> encoded, List<Finalist> waiting,
                               byte[] newImage, ImageSums sums, BuildOptions options) {
        encoded.addAll(ranking.encoded());
        if (wait) {
            waiting.addAll(ranking.finalists());
        } else {
            encoded.addAll(TrialRanking.encodeInFull(ranking.finalists(), newImage, sums, options));
        }
    }

    /**
     * One margin's trials: the patches encoded in full, the finalists still waiting (none on the
     * first margin unless its fast-mode sizes decided), the best fast-mode size of the plain
     * diff and of each view, and the scales its views were tried with.
     */
    private record MarginTrials(List<Encoded> encoded, List<Finalist> waiting, long plainFast, long[] viewFast,
                                List<Encoded> aside, Map<Codec, Double> scales) {
        /** The first margin's winning settings, from full sizes or, when they wait, from fast-mode ones. */
        List<Setting> winners() {
            return waiting.isEmpty() ? Setting.winners(encoded) : Setting.fastWinners(waiting);
        }

        /**
         * Whether a view is surely ahead of the plain diff (Encoded.viewSurelyAhead), in fast mode
         * when the finalists wait.
         */
        boolean viewSurelyAhead() {
            if (waiting.isEmpty()) {
                return Encoded.viewSurelyAhead(encoded);
            }
            return Arrays.stream(viewFast).anyMatch(size -> size * SURELY_BEHIND < plainFast);
        }
    }

    /**
     * The views not surely behind the best one: by more than {@link #SURELY_BEHIND} in fast mode
     * or, where fast mode misleads (below {@link TrialRanking#CHEAP_ENCODE_BYTES}, where every view is encoded
     * in full), in full size.
     */
    private static List<IndexedView> inTheRunning(List<IndexedView> views, MarginTrials tried) {
        long[] fastSizes = tried.viewFast();
        long bestFast = Arrays.stream(fastSizes).min().orElse(Long.MAX_VALUE);
        if (bestFast == Long.MAX_VALUE) {
            return views;
        }
        long[] sizes = fastSizes;
        if (bestFast < TrialRanking.CHEAP_ENCODE_BYTES) {
            sizes = views.stream().mapToLong(v -> tried.encoded().stream().filter(e -> e.map() == v.view().map())
                    .mapToLong(Encoded::size).min().orElse(Long.MAX_VALUE)).toArray();
        }
        long best = Arrays.stream(sizes).min().orElseThrow();
        List<IndexedView> out = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            if (sizes[i] <= best * SURELY_BEHIND) {
                out.add(views.get(i));
            }
        }
        return out;
    }

    /**
     * A screened view and its suffix array's answers, built on another core and kept for every
     * alignment margin (12 bytes per new byte besides the array).
     */
    private record IndexedView(ViewScreen.View view, CompletableFuture<MatchIndex> index) {
        static IndexedView of(ViewScreen.View view, byte[] newImage) {
            return new IndexedView(view, CompletableFuture.supplyAsync(
                    () -> new RememberingIndex(SuffixArrayIndex.of(view.bytes()), newImage), VIEW_WORKERS));
        }
    }

    /**
     * The codec settings a view is encoded with, each with the window left after the map's RAM:
     * the settings of LZMA and split that won on the plain diff, when one of them won; else every
     * codec among the candidates (stored blocks and LZ77) with both record kinds, since a map can
     * turn the ranking round: at --ram-budget 8192 pyb-release's plain diff is smallest with LZ77,
     * its view with stored blocks.
     */
    private static List<Pairing> withMap(RelocationMap map, List<Setting> plainBest,
                                         List<BlockCompressor> candidates, BuildOptions options) {
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        List<BlockCompressor> fitting = CodecCandidates.within(options.ramBudget() - mapRam, options.codec());
        boolean compatibleLzma = fitting.stream()
                .anyMatch(c -> Setting.sameFamily(c.codec(), Codec.LZMA)
                        && c.window() >= LzmaCompressor.COMPATIBLE_WINDOW);
        if (Setting.sameFamily(plainBest.get(0).codec(), Codec.LZMA) && compatibleLzma) {
            return Setting.pairings(plainBest, fitting);
        }
        // LZMA's settings other than the plain diff's winners are left out: below the compatible
        // window they are many, with short blocks each, and the map takes what window there was.
        List<Codec> codecs = candidates.stream().map(BlockCompressor::codec).distinct().toList();
        List<BlockCompressor> others = fitting.stream().filter(c -> codecs.contains(c.codec())
                && (!Setting.sameFamily(c.codec(), Codec.LZMA) || plainBest.stream().anyMatch(s -> s.matches(c))))
                .toList();
        return Setting.pairings(Setting.every(others), others);
    }

    /**
     * A view's trials with LZMA in place of split where split won the plain diff but has no
     * compatible window beside the view's map (Setting.siblingsBesideMap); none elsewhere. Their
     * patches compete for the smallest only, aside from the search's choices (winners, diffs
     * surely behind, fast-mode bests): made part of those choices, they pruned the plain diff
     * that won at narrower margins, and a patch grew (docs/bench, "The map's size where the
     * budget limits it").
     */
    private static List<Pairing> siblingsBesideMap(RelocationMap map, List<Setting> plainBest, BuildOptions options) {
        if (!Setting.sameFamily(plainBest.get(0).codec(), Codec.LZMA)) {
            return List.of();
        }
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        List<BlockCompressor> fitting = CodecCandidates.within(options.ramBudget() - mapRam, options.codec());
        if (fitting.stream().noneMatch(c -> Setting.sameFamily(c.codec(), Codec.LZMA)
                && c.window() >= LzmaCompressor.COMPATIBLE_WINDOW)) {
            return List.of();
        }
        return Setting.pairings(Setting.siblingsBesideMap(plainBest, fitting), fitting);
    }
}
