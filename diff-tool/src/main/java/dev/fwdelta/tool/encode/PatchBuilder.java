// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.HashIndex;
import dev.fwdelta.tool.diff.MatchIndex;
import dev.fwdelta.tool.diff.RememberingIndex;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds a fwdelta patch from two images: records, blocks, the best codec, the header. Besides
 * the plain diff it diffs again against the best relocated views of the old image
 * ({@link ViewScreen}) and keeps the smallest patch.
 *
 * <p>Small images (firmware) are diffed with a suffix array and three alignment margins; the
 * views are screened on the first margin's plain diff and diffed again at every margin, less
 * those (and the plain diff) surely behind at the first. On the first margin's plain diff each
 * codec picks its record kind and lc/lp/pb by fast-mode trials; the other diffs try only those
 * winners, and only a diff whose fast-mode size is its codec's best once every diff is tried is
 * encoded in full ({@code FastModeBest}); the first margin's finalists are encoded at once only
 * where their full sizes must choose (MarginTrials). Large images are where diff time goes, so
 * they take the fast road: a hash index instead of the suffix array, views screened on a sample of the diff
 * ({@link ViewGain#sampled}), sparse records only, LZMA lc0 lp0 pb0, and the plain diff or a view
 * chosen by raw size, or by a sample of blocks ({@link SampledTrial}) when that is close; only
 * the winner is encoded.
 */
public final class PatchBuilder {
    private PatchBuilder() {}

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
     * A large image diffs only the view with the best predicted gain: each costs an index of the
     * whole view and a scan, and on libpython the second view never won (measured when views
     * were still diffed with a suffix array).
     */
    private static final int REDIFFED_VIEWS_LARGE = 1;
    /**
     * How much a match must beat the current alignment by to start a new record (bsdiff: 8). No
     * one value is best: a low margin follows new code's short matches (the releases far apart
     * gain most), a high one keeps long records whole and lets the relocated view pick a small
     * map. Small images try these three; on the corpus 7 and 8 never won against them
     * (docs/bench, "Alignment margins"). The widest comes first: the views are screened on its
     * plain diff, whose long records give the small maps (docs/bench, "Views screened once").
     */
    private static final int[] SMALL_IMAGE_MARGINS = {12, 6, 4};
    /** New images up to this size are encoded in full with every candidate; larger ones by sample. */
    static final int FULL_TRIAL_LIMIT = 1024 * 1024;

    /** A built patch and the codec setting chosen for it. */
    public record Built(byte[] patch, PatchHeader header, String codecSetting) {
    }

    public static Built build(byte[] oldImage, byte[] newImage, BuildOptions options) {
        checkSize("old image", oldImage.length);
        checkSize("new image", newImage.length);
        List<BlockCompressor> fitting = CodecCandidates.within(options.ramBudget(), options.codec());
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("no " + (options.codec() == null ? "codec" : options.codec().label())
                    + " setting fits a decoder RAM budget of " + options.ramBudget() + " bytes (needs at least "
                    + CodecCandidates.minimumBudget(options.codec()) + ")");
        }
        // LZ77 and stored blocks only when no LZMA setting fits: on every corpus pair their patches
        // are far larger than LZMA's (docs/bench, "The window a patch asks for, and RAM budgets"),
        // and LZ77's trials took a large share of a firmware diff's time.
        // So too when LZMA fits only with a window below LzmaCompressor.COMPATIBLE_WINDOW, whose
        // blocks are short: there LZ77 with a relocation map can win (pyb-release at --ram-budget 8192).
        List<BlockCompressor> lzma = fitting.stream().filter(c -> c.codec() == Codec.LZMA || c.codec() == Codec.SPLIT)
                .toList();
        boolean lzmaAlone = lzma.stream().anyMatch(c -> c.window() >= LzmaCompressor.COMPATIBLE_WINDOW);
        List<BlockCompressor> candidates = lzmaAlone ? lzma : fitting;
        Sums sums = Sums.startOf(oldImage, newImage);
        if (newImage.length <= FULL_TRIAL_LIMIT) {
            // Small images: the plain diff and the views diffed again for each alignment margin,
            // the smallest kept. The views are screened once, on the first (widest) margin's plain
            // diff, and each view's suffix array serves every margin.
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
            for (int margin : SMALL_IMAGE_MARGINS) {
                boolean first = margin == SMALL_IMAGE_MARGINS[0];
                List<DeltaRecord> records = first ? widest
                        : plainInTheRunning ? AlignmentScanner.diff(index, newImage, margin) : null;
                MarginTrials tried = buildByFullTrials(records, views, margin, settings, candidates, fastBest, first,
                        newImage, sums, options);
                built.addAll(tried.encoded());
                built.addAll(tried.aside());
                later.addAll(tried.waiting());
                // The other margins try what won the first for each codec (it wins there too, as
                // a rule): one record kind and one lc/lp/pb of each codec still in the running.
                // A diff surely behind at the first margin is not made again: a margin moves the
                // plain diff and the views alike (on no corpus pair did one of those come back to win).
                if (first) {
                    settings = tried.winners();
                    plainInTheRunning = !tried.viewSurelyAhead();
                    views = inTheRunning(views, tried);
                }
            }
            built.addAll(encodeInFull(later.stream()
                    .filter(f -> fastBest.worthEncoding(f.trial().codec().codec(), f.fastSize())).toList(),
                    newImage, sums, options));
            return built.stream().map(Encoded::built).min(Comparator.comparingInt(b -> b.patch().length))
                    .orElseThrow();
        }
        List<DeltaRecord> records = AlignmentScanner.diff(HashIndex.of(oldImage), newImage,
                AlignmentScanner.NEW_ALIGNMENT_MARGIN);
        // The plain diff's blocks are made on one core while the screen's single-threaded steps
        // (link address, reference evidence) use the other.
        List<BlockCompressor> codecs = largeImageCodecs(candidates);
        CompletableFuture<List<Candidate>> plain = CompletableFuture.supplyAsync(
                () -> Candidate.perBlockLimit(null, records, codecs, options.maxBlockRaw()));
        List<ViewScreen.View> views = ViewScreen.screened(oldImage, newImage, records, options, REDIFFED_VIEWS_LARGE);
        Choice plainChoice = Choice.smallestSampled(plain.join(), codecs);
        Built built = buildBySampledTrials(plainChoice, views, newImage, sums, options);
        return withSmallerMaps(built, plainChoice.codec(), oldImage, newImage, records, sums, options);
    }

    /**
     * The smallest of a large image's patch and those of its views with smaller maps, where the
     * map takes RAM the codec's window needs (RelocationPlanner.smallerMaps): each smaller map
     * leaves the codec a larger window. Each is a diff of its own, so only there; chosen by full size, so
     * never larger than the patch it competes with.
     */
    private static Built withSmallerMaps(Built built, BlockCompressor plainCodec, byte[] oldImage, byte[] newImage,
                                         List<DeltaRecord> records, Sums sums, BuildOptions options) {
        int[] smaller = RelocationPlanner.smallerMaps(options.ramBudget(), options.codec());
        if (smaller.length == 0) {
            return built;
        }
        List<Choice> choices = new ArrayList<>();
        for (int entries : smaller) {
            for (ViewScreen.View v : ViewScreen.screened(oldImage, newImage, records, options, REDIFFED_VIEWS_LARGE,
                    entries)) {
                Choice c = viewChoice(v, plainCodec, newImage, options);
                if (c != null) {
                    choices.add(c);
                }
            }
        }
        List<Built> all = new ArrayList<>(List.of(built));
        all.addAll(choices.parallelStream().map(c -> encoded(c, newImage, sums, options)).toList());
        return all.stream().min(Comparator.comparingInt(b -> b.patch().length)).orElseThrow();
    }

    /**
     * The given settings on the plain diff (unless {@code records} is null), the views with those
     * that won there. Their finalists wait for the end of the search, or on the first margin are
     * encoded in full at once unless its fast-mode sizes decide (Ranking.decidedInFastMode).
     */
    private static MarginTrials buildByFullTrials(List<DeltaRecord> records, List<IndexedView> views, int margin,
                                                  List<Setting> settings, List<BlockCompressor> candidates,
                                                  FastModeBest fastBest, boolean first, byte[] newImage, Sums sums,
                                                  BuildOptions options) {
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
            Ranking plain = rank(records, null, Setting.pairings(settings, candidates), newImage, sums, options)
                    .admitted(fastBest);
            plainFast = plain.smallest();
            wait = wait || plain.decidedInFastMode();
            settle(plain, wait, encoded, waiting, newImage, sums, options);
        }
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
                    diff -> rank(diff, map, pairings, newImage, sums, options), VIEW_WORKERS));
            List<Pairing> siblings = siblingsBesideMap(map, plainBest, options);
            if (!siblings.isEmpty()) {
                asideRankings.add(viewDiffs.get(i).thenApplyAsync(diff -> {
                    Ranking r = rank(diff, map, siblings, newImage, sums, options);
                    List<Encoded> all = new ArrayList<>(r.encoded());
                    all.addAll(encodeInFull(r.finalists(), newImage, sums, options));
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
        if (first && wait && Arrays.stream(viewFast).anyMatch(size -> size < CHEAP_ENCODE_BYTES)) {
            // A small view: fast mode misleads there, the first margin's choices take full sizes.
            encoded.addAll(encodeInFull(waiting, newImage, sums, options));
            waiting.clear();
        }
        List<Encoded> aside = asideRankings.stream().flatMap(f -> f.join().stream()).toList();
        return new MarginTrials(encoded, waiting, plainFast, viewFast, aside);
    }

    /** A ranking's finalists encoded in full now, or left waiting (with what it encoded already). */
    private static void settle(Ranking ranking, boolean wait, List<Encoded> encoded, List<Finalist> waiting,
                               byte[] newImage, Sums sums, BuildOptions options) {
        encoded.addAll(ranking.encoded());
        if (wait) {
            waiting.addAll(ranking.finalists());
        } else {
            encoded.addAll(encodeInFull(ranking.finalists(), newImage, sums, options));
        }
    }

    /**
     * One margin's trials: the patches encoded in full, the finalists still waiting (none on the
     * first margin unless its fast-mode sizes decided), and the best fast-mode size of the plain
     * diff and of each view.
     */
    private record MarginTrials(List<Encoded> encoded, List<Finalist> waiting, long plainFast, long[] viewFast,
                                List<Encoded> aside) {
        /** The first margin's winning settings, from full sizes or, when they wait, from fast-mode ones. */
        List<Setting> winners() {
            return waiting.isEmpty() ? Setting.winners(encoded) : Setting.fastWinners(waiting);
        }

        /** Whether a view is surely ahead of the plain diff (Encoded.viewSurelyAhead), in fast mode when the finalists wait. */
        boolean viewSurelyAhead() {
            if (waiting.isEmpty()) {
                return Encoded.viewSurelyAhead(encoded);
            }
            return Arrays.stream(viewFast).anyMatch(size -> size * SURELY_BEHIND < plainFast);
        }
    }

    /**
     * The views not surely behind the best one: by more than {@link #SURELY_BEHIND} in fast mode
     * or, where fast mode misleads (below {@link #CHEAP_ENCODE_BYTES}, where every view is encoded
     * in full), in full size.
     */
    private static List<IndexedView> inTheRunning(List<IndexedView> views, MarginTrials tried) {
        long[] fastSizes = tried.viewFast();
        long bestFast = Arrays.stream(fastSizes).min().orElse(Long.MAX_VALUE);
        if (bestFast == Long.MAX_VALUE) {
            return views;
        }
        long[] sizes = fastSizes;
        if (bestFast < CHEAP_ENCODE_BYTES) {
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

    /** A codec, its lc/lp/pb, and a record kind (sparse or not, FORMAT.md 2.2). */
    private record Setting(Codec codec, int props, boolean sparse) {
        static Setting of(BlockCompressor c, boolean sparse) {
            return new Setting(c.codec(), c.props(), sparse);
        }

        /** Every candidate with both record kinds. */
        static List<Setting> every(List<BlockCompressor> candidates) {
            List<Setting> out = new ArrayList<>();
            for (boolean sparse : RECORD_KINDS) {
                for (BlockCompressor c : candidates) {
                    out.add(of(c, sparse));
                }
            }
            return out;
        }

        /**
         * The setting of each codec's smallest patch, less a codec whose best patch is more than
         * {@link #SURELY_BEHIND} times another's, when that one is over {@link #CHEAP_ENCODE_BYTES}:
         * LZMA and split win by what share of the records are controls, and that share hardly
         * moves between the margins and views of one pair.
         */
        static List<Setting> winners(List<Encoded> tried) {
            List<Encoded> best = bestEncodedPerCodec(tried);
            int smallest = best.get(0).built().patch().length;
            return best.stream()
                    .filter(e -> smallest < CHEAP_ENCODE_BYTES
                            || e.built().patch().length <= smallest * SURELY_BEHIND)
                    .map(Encoded::setting).toList();
        }

        /**
         * The settings of the finalists that wait (one codec's, Ranking.decidedInFastMode):
         * those with the smallest fast-mode size.
         */
        static List<Setting> fastWinners(List<Finalist> finalists) {
            long smallest = finalists.stream().mapToLong(Finalist::fastSize).min().orElseThrow();
            return finalists.stream().filter(f -> f.fastSize() == smallest)
                    .map(f -> Setting.of(f.trial().codec(), f.trial().sparse())).distinct().toList();
        }

        /**
         * For each split setting that does not fit beside a map (none of {@code fitting} matches
         * it), LZMA with the same lc/lp/pb, unless among the settings already: split's tables take
         * 2 KiB more than LZMA's, and where split won the plain diff but a full map left it no
         * compatible window, the view had no trial at all and the patch no map (docs/bench, "The
         * map's size where the budget limits it").
         */
        static List<Setting> siblingsBesideMap(List<Setting> settings, List<BlockCompressor> fitting) {
            List<Setting> out = new ArrayList<>();
            for (Setting s : settings) {
                Setting t = new Setting(Codec.LZMA, s.props(), s.sparse());
                if (s.codec() == Codec.SPLIT && fitting.stream().noneMatch(s::matches) && !settings.contains(t)
                        && !out.contains(t)) {
                    out.add(t);
                }
            }
            return out;
        }

        /** Trials of the candidates that match a setting, record kind by record kind. */
        static List<Pairing> pairings(List<Setting> settings, List<BlockCompressor> candidates) {
            List<Pairing> out = new ArrayList<>();
            for (boolean sparse : RECORD_KINDS) {
                for (BlockCompressor c : candidates) {
                    if (settings.stream().anyMatch(s -> s.sparse() == sparse && s.matches(c))) {
                        out.add(new Pairing(c, sparse));
                    }
                }
            }
            return out;
        }

        boolean matches(BlockCompressor c) {
            return c.codec() == codec && c.props() == props;
        }
    }

    /**
     * How far behind another codec's best fast-mode size a codec's may be, on sizes over {@link
     * #CHEAP_ENCODE_BYTES}, and still be tried further (rankedByFastMode). Fast mode puts the two
     * codecs about as far apart as the full encoding does (docs/bench, "Alignment margins and a
     * lighter search").
     */
    private static final double FAST_SURELY_BEHIND = 1.04;

    /** Record kinds in the order they are tried (plain records first, which ties then keep). */
    private static final boolean[] RECORD_KINDS = {false, true};

    /**
     * How far behind another codec's best patch a codec's best may be and still be tried on the
     * views and the other margins (see Setting.winners).
     */
    private static final double SURELY_BEHIND = 1.02;

    /** A codec setting with one record kind, to be tried. */
    private record Pairing(BlockCompressor codec, boolean sparse) {
    }

    /** A patch and the setting it was made with. */
    private record Encoded(Built built, Setting setting, RelocationMap map) {
        boolean relocated() {
            return map != null;
        }

        int size() {
            return built.patch().length;
        }

        /**
         * Whether a view's patch is more than {@link #SURELY_BEHIND} times smaller than the plain
         * diff's: then the narrower margins do not diff the plain image again, since a margin
         * moves the plain diff and the views alike (on no corpus pair did a plain diff win
         * where a view was ahead at the widest margin).
         */
        static boolean viewSurelyAhead(List<Encoded> tried) {
            int plain = tried.stream().filter(e -> !e.relocated()).mapToInt(Encoded::size).min().orElseThrow();
            return tried.stream().filter(Encoded::relocated)
                    .anyMatch(e -> e.size() * SURELY_BEHIND < plain);
        }
    }

    /** The smallest patch made with each codec, smallest first. */
    private static List<Encoded> bestEncodedPerCodec(List<Encoded> built) {
        Map<Codec, Encoded> best = new EnumMap<>(Codec.class);
        for (Encoded e : built) {
            best.merge(e.setting().codec(), e, (x, y) -> y.built().patch().length < x.built().patch().length ? y : x);
        }
        return best.values().stream().sorted(Comparator.comparingInt(e -> e.built().patch().length)).toList();
    }

    /**
     * A diff of a large image as sparse records, and the map it was made with (null: the plain
     * diff). Sparse only: on libpython kind 0 came out a little smaller, but only with LZMA's
     * longest matches over many times the bytes (the whole image's diff bytes, mostly zero, instead
     * of the changed ones), which took longer than everything else together.
     */
    private record Candidate(RelocationMap map, List<RawBlock> blocks) {
        static Candidate of(RelocationMap map, List<DeltaRecord> records, int maxBlockRaw) {
            return new Candidate(map, RecordBlocker.split(records, maxBlockRaw, true));
        }

        /** The records in blocks for each codec, as long as the codec allows (BlockCompressor.maxBlockRaw). */
        static List<Candidate> perBlockLimit(RelocationMap map, List<DeltaRecord> records, List<BlockCompressor> codecs,
                                             int requested) {
            Map<Integer, Candidate> byLimit = new HashMap<>();
            return codecs.stream().map(c -> byLimit.computeIfAbsent(c.maxBlockRaw(requested),
                    limit -> of(map, records, limit))).toList();
        }
    }

    /**
     * The codec settings a large image tries: LZMA with lc0 lp0 pb0 when it fits with a
     * compatible window (sparse records leave LZMA no alignment to use and literal contexts
     * nothing to learn; that setting won on all eight corpus pairs, and codec split made
     * libpython's patch larger: docs/bench, "Codec split"); else that setting, if it fits at
     * all, against the other codecs. Without LZMA among the candidates (another codec asked
     * for, split among them) every candidate.
     */
    private static List<BlockCompressor> largeImageCodecs(List<BlockCompressor> candidates) {
        int bytewise = Codec.lzmaProps(0, 0, 0);
        List<BlockCompressor> lzma = candidates.stream()
                .filter(c -> c.codec() == Codec.LZMA && c.props() == bytewise).toList();
        if (lzma.isEmpty()) {
            return candidates;
        }
        if (lzma.stream().anyMatch(c -> c.window() >= LzmaCompressor.COMPATIBLE_WINDOW)) {
            return lzma;
        }
        return candidates.stream().filter(c -> !sameFamily(c.codec(), Codec.LZMA) || lzma.contains(c)).toList();
    }

    /**
     * A large image: the codec setting and the view are chosen on a sample of blocks, and only the
     * winner is encoded in full.
     */
    private static Built buildBySampledTrials(Choice plain, List<ViewScreen.View> views, byte[] newImage, Sums sums,
                                              BuildOptions options) {
        List<Choice> choices = new ArrayList<>(List.of(plain));
        for (ViewScreen.View v : views) {
            Choice c = viewChoice(v, plain.codec(), newImage, options);
            if (c != null) {
                choices.add(c);
            }
        }
        return encoded(Choice.smallest(choices), newImage, sums, options);
    }

    /**
     * A large image's view diffed again, with the plain diff's codec setting beside its map, or
     * null when no codec fits beside it.
     */
    private static Choice viewChoice(ViewScreen.View v, BlockCompressor plainCodec, byte[] newImage,
                                     BuildOptions options) {
        List<BlockCompressor> viewCodecs = sameSetting(v.map(), plainCodec.codec(), plainCodec.props(), options);
        if (viewCodecs.isEmpty()) {
            // The map left the plain diff's setting no room (LZMA below its compatible window,
            // --ram-budget 8192): the view tries the codecs that fit beside its map.
            long mapRam = (long) Limits.MAP_ENTRY_BYTES * v.map().sectionEntries();
            viewCodecs = largeImageCodecs(CodecCandidates.within(options.ramBudget() - mapRam, options.codec()));
        }
        if (viewCodecs.isEmpty()) {
            return null;
        }
        List<DeltaRecord> records = AlignmentScanner.diff(HashIndex.of(v.bytes()), newImage,
                AlignmentScanner.NEW_ALIGNMENT_MARGIN);
        return Choice.smallestSampled(Candidate.perBlockLimit(v.map(), records, viewCodecs, options.maxBlockRaw()),
                viewCodecs);
    }

    /** A large image's chosen candidate encoded in full. */
    private static Built encoded(Choice c, byte[] newImage, Sums sums, BuildOptions options) {
        return assemble(c.codec(), c.candidate().map(), c.candidate().blocks(),
                PayloadEncoder.encode(c.candidate().blocks(), newImage, c.codec()), sums, options, true);
    }

    /**
     * A candidate, its codec, and the bytes of its map as the patch carries them (format 3's
     * varint map, not the device's table).
     */
    private record Choice(Candidate candidate, BlockCompressor codec, long mapBytes) {
        static Choice of(Candidate c, BlockCompressor codec) {
            return new Choice(c, codec, c.map() == null ? 0 : c.map().encodeCompact().length);
        }

        /**
         * Of one diff's blocks for each codec (Candidate.perBlockLimit), the codec a sample trial
         * puts smallest; the only one, with no trial, when LZMA fits with a compatible window.
         */
        static Choice smallestSampled(List<Candidate> perCodec, List<BlockCompressor> codecs) {
            int chosen = 0;
            if (codecs.size() > 1) {
                long best = Long.MAX_VALUE;
                for (int i = 0; i < codecs.size(); i++) {
                    long estimate = SampledTrial.estimate(perCodec.get(i).blocks(), codecs.get(i));
                    if (estimate < best) {
                        best = estimate;
                        chosen = i;
                    }
                }
            }
            return of(perCodec.get(chosen), codecs.get(chosen));
        }

        /** Record bytes and map bytes, before compression. */
        long raw() {
            long raw = mapBytes;
            for (RawBlock b : candidate.blocks()) {
                raw += b.records().length;
            }
            return raw;
        }

        long estimate() {
            return SampledTrial.estimate(candidate.blocks(), codec) + mapBytes;
        }

        /**
         * The choice with the fewest raw bytes when it has a fifth fewer than the next (libpython:
         * 83 KB of sparse records against the plain diff's 350 KB), else the smallest by a sample
         * trial: compressing samples only pays for close calls.
         */
        static Choice smallest(List<Choice> choices) {
            List<Choice> byRaw = new ArrayList<>(choices);
            byRaw.sort(Comparator.comparingLong(Choice::raw));
            if (byRaw.size() == 1 || byRaw.get(0).raw() * 5 < byRaw.get(1).raw() * 4) {
                return byRaw.get(0);
            }
            return choices.stream().min(Comparator.comparingLong(Choice::estimate)).orElseThrow();
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
                .anyMatch(c -> sameFamily(c.codec(), Codec.LZMA) && c.window() >= LzmaCompressor.COMPATIBLE_WINDOW);
        if (sameFamily(plainBest.get(0).codec(), Codec.LZMA) && compatibleLzma) {
            return Setting.pairings(plainBest, fitting);
        }
        // LZMA's settings other than the plain diff's winners are left out: below the compatible
        // window they are many, with short blocks each, and the map takes what window there was.
        List<Codec> codecs = candidates.stream().map(BlockCompressor::codec).distinct().toList();
        List<BlockCompressor> others = fitting.stream().filter(c -> codecs.contains(c.codec())
                && (!sameFamily(c.codec(), Codec.LZMA) || plainBest.stream().anyMatch(s -> s.matches(c)))).toList();
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
        if (!sameFamily(plainBest.get(0).codec(), Codec.LZMA)) {
            return List.of();
        }
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        List<BlockCompressor> fitting = CodecCandidates.within(options.ramBudget() - mapRam, options.codec());
        if (fitting.stream().noneMatch(c -> sameFamily(c.codec(), Codec.LZMA)
                && c.window() >= LzmaCompressor.COMPATIBLE_WINDOW)) {
            return List.of();
        }
        return Setting.pairings(Setting.siblingsBesideMap(plainBest, fitting), fitting);
    }

    /** The codec and lc/lp/pb that won, with the window left after the map's RAM. */
    private static List<BlockCompressor> sameSetting(RelocationMap map, Codec codec, int props, BuildOptions options) {
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        return CodecCandidates.within(options.ramBudget() - mapRam, options.codec()).stream()
                .filter(c -> c.codec() == codec && c.props() == props).toList();
    }

    /**
     * LZMA and split code their data alike (same lc/lp/pb): a setting that wins with one is tried
     * with the other, which wins depends on how much of the records are controls.
     */
    private static boolean sameFamily(Codec a, Codec b) {
        return a == b || (a == Codec.LZMA || a == Codec.SPLIT) && (b == Codec.LZMA || b == Codec.SPLIT);
    }

    /**
     * The images' checksums, computed alongside the diff and waited for when a header is made.
     * One task hashes both images one after the other: the second then runs compiled code (run
     * side by side, both hashed interpreted at first, and their CPU time came off the diff).
     */
    private record Sums(CompletableFuture<ImageChecksums[]> both) {
        static Sums startOf(byte[] oldImage, byte[] newImage) {
            return new Sums(CompletableFuture.supplyAsync(() -> new ImageChecksums[] {
                    ImageChecksums.forCompactHeader(oldImage), ImageChecksums.forCompactHeader(newImage)}));
        }

        ImageChecksums old() {
            return both.join()[0];
        }

        ImageChecksums neu() {
            return both.join()[1];
        }
    }

    private static Ranking rank(List<DeltaRecord> records, RelocationMap map, List<Pairing> pairings, byte[] newImage,
                                Sums sums, BuildOptions options) {
        // Record kinds (FORMAT.md 2.2) with codec settings: sparse records win where long zero
        // runs alternate with changed bytes, plain ones where LZMA finds the runs' pattern itself.
        // Each pairing is compressed in LZMA's fast mode first (a fifth of the time; its sizes
        // rank pairings the way the full encoding does), and only the best of each codec is
        // encoded in full, on all cores.
        Map<BlockShape, List<RawBlock>> blocks = new HashMap<>();
        List<Trial> trials = new ArrayList<>();
        for (Pairing p : pairings) {
            BlockShape shape = new BlockShape(p.sparse(), p.codec().maxBlockRaw(options.maxBlockRaw()));
            trials.add(new Trial(blocks.computeIfAbsent(shape,
                    k -> RecordBlocker.split(records, k.maxBlockRaw(), k.sparse())), p.sparse(), p.codec()));
        }
        // LZ77 and stored blocks have no cheaper trial setting (forTrial() is the codec itself):
        // then every pairing is encoded in full once, rather than twice.
        boolean cheaperTrials = trials.stream().allMatch(t -> t.codec().forTrial() != t.codec());
        // Records this few are encoded in full with every setting, and their full sizes rank
        // them: a fast-mode trial would cost about as much (setting up an encoder, not coding the
        // bytes, is most of it), and a full size is the exact one.
        boolean tiny = trials.stream().allMatch(t -> t.rawBytes() <= FULL_ENCODE_ONLY_BYTES);
        if (!cheaperTrials || tiny) {
            List<Encoded> all = encodeInFull(trials.stream().map(t -> new Finalist(t, map, Long.MAX_VALUE)).toList(),
                    newImage, sums, options);
            return cheaperTrials ? Ranking.exact(all) : Ranking.encodedAlready(all);
        }
        return rankedByFastMode(trials, map);
    }

    /**
     * Record bytes up to which a diff's settings are all encoded in full rather than tried in
     * fast mode first (programmer's diffs, 2-3 KB of records each).
     */
    private static final long FULL_ENCODE_ONLY_BYTES = 4 * 1024;

    /**
     * One diff's trials: of each codec the trials with its smallest fast-mode size, that size by
     * codec, and the smallest of all; or, for codecs without a cheaper trial and for tiny diffs,
     * their patches encoded in full already.
     */
    private record Ranking(List<Finalist> finalists, Map<Codec, Long> bestByCodec, long smallest,
                           List<Encoded> encoded) {
        static Ranking encodedAlready(List<Encoded> encoded) {
            return new Ranking(List.of(), Map.of(), Long.MAX_VALUE, encoded);
        }

        /**
         * Patches encoded in full in place of fast-mode trials: their sizes stand for the fast
         * ones (FastModeBest, the views' screen), as exact sizes below {@link #CHEAP_ENCODE_BYTES}
         * where every finalist is encoded anyway.
         */
        static Ranking exact(List<Encoded> encoded) {
            Map<Codec, Long> best = new EnumMap<>(Codec.class);
            encoded.forEach(e -> best.merge(e.setting().codec(), (long) e.size(), Math::min));
            long smallest = best.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
            return new Ranking(List.of(), best, smallest, encoded);
        }

        /**
         * The finalists worth a full encoding ({@link FastModeBest}), its codecs' best sizes
         * then seen. Rankings are made side by side and admitted one by one, in the order of the
         * diffs, so that the search comes out the same on any number of cores.
         */
        Ranking admitted(FastModeBest fastBest) {
            List<Finalist> worth = finalists.stream()
                    .filter(f -> fastBest.worthEncoding(f.trial().codec().codec(), f.fastSize())).toList();
            bestByCodec.forEach(fastBest::saw);
            return new Ranking(worth, bestByCodec, smallest, encoded);
        }

        /**
         * Whether fast mode alone settles this diff's choices: its finalists are of one codec
         * (the others were surely behind already in fast mode) and too large for fast mode to
         * mislead. Then their full encodings can wait like those of later margins.
         */
        boolean decidedInFastMode() {
            return encoded.isEmpty() && !finalists.isEmpty() && smallest >= CHEAP_ENCODE_BYTES
                    && finalists.stream().map(f -> f.trial().codec().codec()).distinct().count() == 1;
        }
    }

    /** A trial to be encoded in full, the map of its diff, and its fast-mode size. */
    private record Finalist(Trial trial, RelocationMap map, long fastSize) {
    }

    /** The finalists encoded in full, on all cores. */
    private static List<Encoded> encodeInFull(List<Finalist> finalists, byte[] newImage, Sums sums,
                                              BuildOptions options) {
        return finalists.parallelStream().map(f -> {
            Trial t = f.trial();
            return new Encoded(assemble(t.codec(), f.map(), t.blocks(), PayloadEncoder.encode(t.blocks(), newImage, t.codec()),
                    sums, options, t.sparse()), Setting.of(t.codec(), t.sparse()), f.map());
        }).toList();
    }

    /**
     * Of each codec, the trial with the smallest fast-mode size (ties all kept), if it is worth a
     * full encoding ({@link FastModeBest}): fast mode ranks the settings and record kinds of one
     * codec as the full encoding does, LZMA against split less so. A margin of near-best trials
     * encoded in full as well changed no corpus patch (docs/bench, "In-process diff throughput").
     */
    private static Ranking rankedByFastMode(List<Trial> trials, RelocationMap map) {
        // Record kinds differ by far more than codecs and lc/lp/pb settings do: the first codec
        // chooses the kind with its first setting, the other codecs lead with that kind only (both
        // on a tie), and each codec's lead then decides whether its other settings are tried.
        long[] quick = new long[trials.size()];
        Arrays.fill(quick, Long.MAX_VALUE);
        Map<Setting, Integer> leads = new HashMap<>();
        for (int i = 0; i < trials.size(); i++) {
            leads.putIfAbsent(leadKey(trials.get(i)), i);
        }
        Codec judge = trials.get(0).codec().codec();
        List<Integer> judged = leads.values().stream().filter(i -> trials.get(i).codec().codec() == judge).toList();
        measure(trials, judged, quick);
        long judgeBest = judged.stream().mapToLong(i -> quick[i]).min().orElseThrow();
        List<Boolean> kinds = judged.stream().filter(i -> quick[i] == judgeBest).map(i -> trials.get(i).sparse())
                .toList();
        measure(trials, leads.values().stream().filter(i -> trials.get(i).codec().codec() != judge
                && kinds.contains(trials.get(i).sparse())).toList(), quick);
        Map<Codec, Long> bestLead = new EnumMap<>(Codec.class);
        leads.values().stream().filter(i -> quick[i] != Long.MAX_VALUE)
                .forEach(i -> bestLead.merge(trials.get(i).codec().codec(), quick[i], Math::min));
        // A codec far behind another already in fast mode is left there: its other settings are
        // not tried, and it is not encoded in full.
        long leader = bestLead.values().stream().min(Long::compare).orElseThrow();
        bestLead.values().removeIf(size -> leader >= CHEAP_ENCODE_BYTES && size > leader * FAST_SURELY_BEHIND);
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            int lead = leads.get(leadKey(trials.get(i)));
            Long codecLead = bestLead.get(trials.get(i).codec().codec());
            if (codecLead == null) {
                quick[i] = Long.MAX_VALUE;
            } else if (i != lead && quick[lead] == codecLead) {
                rest.add(i);
            }
        }
        measure(trials, rest, quick);
        Map<Codec, Long> best = new EnumMap<>(Codec.class);
        for (int i = 0; i < trials.size(); i++) {
            if (quick[i] != Long.MAX_VALUE) {
                best.merge(trials.get(i).codec().codec(), quick[i], Math::min);
            }
        }
        List<Finalist> finalists = new ArrayList<>();
        for (int i = 0; i < trials.size(); i++) {
            Codec codec = trials.get(i).codec().codec();
            if (quick[i] != Long.MAX_VALUE && quick[i] == best.get(codec)) {
                finalists.add(new Finalist(trials.get(i), map, quick[i]));
            }
        }
        return new Ranking(finalists, best, Arrays.stream(quick).min().orElse(Long.MAX_VALUE), List.of());
    }

    /** A trial's codec and record kind (lc/lp/pb left out): trials with the same key share a lead. */
    private static Setting leadKey(Trial t) {
        return new Setting(t.codec().codec(), 0, t.sparse());
    }

    /** Fast-mode sizes of the trials at the given indexes, on all cores. */
    private static void measure(List<Trial> trials, List<Integer> indexes, long[] quick) {
        long[] sizes = indexes.parallelStream()
                .mapToLong(i -> SampledTrial.trialSize(trials.get(i).blocks(), trials.get(i).codec())).toArray();
        for (int k = 0; k < sizes.length; k++) {
            quick[indexes.get(k)] = sizes[k];
        }
    }

    /**
     * The smallest fast-mode size each codec reached so far in one small image's search (every
     * alignment margin, the plain diff and its views). A later diff whose best fast-mode size is
     * larger is not encoded in full: on no corpus pair did such an encoding win (docs/bench,
     * "In-process diff throughput"). Below {@link #CHEAP_ENCODE_BYTES} of fast-mode output
     * everything is encoded: such a full encoding costs little, and on patches that small the fast
     * mode's ranking misleads (synth-1-3's smallest patch comes from a diff its fast mode put well
     * behind the best).
     */
    private static final class FastModeBest {
        private final Map<Codec, Long> smallest = new EnumMap<>(Codec.class);

        boolean worthEncoding(Codec codec, long fastSize) {
            Long seen = smallest.get(codec);
            return seen == null || fastSize <= seen || fastSize < CHEAP_ENCODE_BYTES;
        }

        void saw(Codec codec, long fastSize) {
            smallest.merge(codec, fastSize, Math::min);
        }
    }

    /** Fast-mode output below which a pairing is always encoded in full (see FastModeBest). */
    private static final long CHEAP_ENCODE_BYTES = 16 * 1024;

    /** A record kind and the longest block: trials with the same shape share their blocks. */
    private record BlockShape(boolean sparse, int maxBlockRaw) {
    }

    /** One record kind's blocks with one codec setting. */
    private record Trial(List<RawBlock> blocks, boolean sparse, BlockCompressor codec) {
        long rawBytes() {
            return blocks.stream().mapToLong(b -> b.records().length).sum();
        }
    }

    private static void checkSize(String what, long size) {
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(what + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
    }

    /**
     * The patch of encoded blocks made by {@code encoder} from {@code rawBlocks}. Its header names
     * the encoder's setting with the window fitted to the longest block (BlockCompressor.fittedTo):
     * a short diff does not ask the device for a dictionary it cannot use. A window below xz's
     * smallest dictionary also bounds max_block_raw, which every block is within.
     */
    private static Built assemble(BlockCompressor encoder, RelocationMap map, List<RawBlock> rawBlocks, byte[] blocks,
                                  Sums sums, BuildOptions options, boolean sparse) {
        BlockCompressor c = encoder.fittedTo(rawBlocks.stream().mapToLong(b -> b.records().length).max().orElse(0));
        int blockCount = rawBlocks.size();
        byte[] mapSection = map == null ? new byte[0] : map.encodeCompact();
        byte[] payload = new byte[mapSection.length + blocks.length];
        System.arraycopy(mapSection, 0, payload, 0, mapSection.length);
        System.arraycopy(blocks, 0, payload, mapSection.length, blocks.length);
        int mapCount = map == null ? 0 : map.sectionEntries();
        // Format 3, unsigned: no payload hash until a signer adds one with its signature.
        long loadAddress = options.target().loadAddress();
        // SHA_ONLY: the images' CRC-32s say nothing their SHA-256s do not, and half of the old
        // image's SHA-256 identifies the base as surely; 24 bytes of every patch (FORMAT.md 1.2).
        int flags = (map == null ? 0 : PatchHeader.FLAG_RELOCATED) | PatchHeader.FLAG_SHA_ONLY
                | (loadAddress == PatchHeader.NO_LOAD_ADDRESS ? 0 : PatchHeader.FLAG_LOAD_ADDRESS);
        PatchHeader header = new PatchHeader(PatchHeader.FORMAT_VERSION_COMPACT, flags, c.codec(), c.props(), mapCount, mapSection.length,
                c.window(), PatchHeader.decoderRam(c.codec(), c.window(), c.props(), mapCount), c.maxBlockRaw(options.maxBlockRaw()),
                blockCount, payload.length, sums.old().shaOnly(ImageChecksums.SHORT_SHA256_BYTES), sums.neu(), null, options.firmwareVersion(),
                options.hardwareId(), SignatureSection.NONE, loadAddress);
        byte[] head = header.encode();
        byte[] patch = new byte[head.length + payload.length];
        System.arraycopy(head, 0, patch, 0, head.length);
        System.arraycopy(payload, 0, patch, head.length, payload.length);
        return new Built(patch, header, c.describe() + (sparse ? ", sparse records" : "")
                + (map == null ? "" : ", " + describe(map)));
    }

    private static String describe(RelocationMap map) {
        List<String> kinds = new ArrayList<>();
        if (map.has(RelocationMap.THUMB_BL)) {
            kinds.add("Thumb BL");
        }
        if (map.has(RelocationMap.A64_BRANCH)) {
            kinds.add("A64 B/BL");
        }
        if (map.has(RelocationMap.A64_ADRP)) {
            kinds.add("A64 ADRP");
        }
        if (map.has(RelocationMap.XTENSA_CALL)) {
            kinds.add("Xtensa CALL");
        }
        if (map.has(RelocationMap.POINTER32) || map.has(RelocationMap.POINTER64)) {
            kinds.add((map.has(RelocationMap.POINTER64) ? "64-bit " : "") + "pointers at "
                    + String.format("0x%08x", map.imageBase()));
        }
        return "relocation map " + (map.sectionEntries() - 1) + " entries, " + String.join(" + ", kinds);
    }
}
