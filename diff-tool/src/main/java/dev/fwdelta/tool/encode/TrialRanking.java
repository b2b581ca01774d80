// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * One diff's codec settings and record kinds ranked: fast-mode trials first, and of each codec
 * the best ({@link Ranking}'s finalists) left to be encoded in full.
 */
final class TrialRanking {
    private TrialRanking() {}

    /** Fast-mode output below which a pairing is always encoded in full (see FastModeBest). */
    static final long CHEAP_ENCODE_BYTES = 16 * 1024;

    /**
     * Record bytes up to which a diff's settings are all encoded in full rather than tried in
     * fast mode first (programmer's diffs, 2-3 KB of records each).
     */
    private static final long FULL_ENCODE_ONLY_BYTES = 4 * 1024;

    /**
     * Windowed sizes below which the record kind is left to whole trials: a few KB of fast-mode
     * output from a quarter of the image ranks kinds less surely than the whole does.
     */
    private static final long KIND_ON_WINDOWS_FROM = 4 * 1024;

    /**
     * Kinds whose windowed sizes are this close are all tried whole. On the corpus the windows
     * put the kinds 2-6% apart, about as far as whole trials do (docs/bench, "The record kind
     * chosen on the windows").
     */
    private static final double KIND_ON_WINDOWS_CLOSE = 1.01;

    /**
     * How far behind another codec's best fast-mode size a codec's may be, on sizes over {@link
     * #CHEAP_ENCODE_BYTES}, and still be tried further (rankedByFastMode). Fast mode puts the two
     * codecs about as far apart as the full encoding does (docs/bench, "Alignment margins and a
     * lighter search").
     */
    private static final double FAST_SURELY_BEHIND = 1.04;

    /** One diff's pairings (with the map it was made with, or null) ranked, or encoded where that is cheaper. */
    static Ranking rank(List<DeltaRecord> records, RelocationMap map, List<Pairing> pairings, byte[] newImage,
                        ImageSums sums, BuildOptions options) {
        return rank(records, map, pairings, newImage, sums, options, Map.of());
    }

    /**
     * As above; a pairing whose codec has a scale (TrialWindows.scales) is tried on the windows of
     * the image when the diff has enough record bytes.
     */
    static Ranking rank(List<DeltaRecord> records, RelocationMap map, List<Pairing> pairings, byte[] newImage,
                        ImageSums sums, BuildOptions options, Map<Codec, Double> scales) {
        // Record kinds (FORMAT.md 2.2) with codec settings: sparse records win where long zero
        // runs alternate with changed bytes, plain ones where LZMA finds the runs' pattern itself.
        // Each pairing is compressed in LZMA's fast mode first (a fifth of the time; its sizes
        // rank pairings the way the full encoding does), and only the best of each codec is
        // encoded in full, on all cores.
        Map<BlockShape, List<RawBlock>> blocks = new HashMap<>();
        WindowBlocks windowBlocks = new WindowBlocks(records, newImage.length);
        List<Trial> trials = new ArrayList<>();
        for (Pairing p : pairings) {
            BlockShape shape = new BlockShape(p.sparse(), p.codec().maxBlockRaw(options.maxBlockRaw()));
            List<RawBlock> whole = blocks.computeIfAbsent(shape,
                    k -> RecordBlocker.split(records, k.maxBlockRaw(), k.sparse()));
            Double scale = scales.get(p.codec().codec());
            Trial t = new Trial(whole, p.sparse(), p.codec());
            if (scale != null && t.rawBytes() >= TrialWindows.FROM_RAW_BYTES) {
                t = new Trial(whole, p.sparse(), p.codec(), windowBlocks.of(shape), scale);
            }
            trials.add(t);
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
        // The record kind is chosen on the windows' records (a sixteenth of the image each, as a
        // view's trials are): the kinds' whole trials were a third of a long diff's trial bytes.
        return rankedByFastMode(trials, map,
                t -> windowBlocks.of(new BlockShape(t.sparse(), t.codec().maxBlockRaw(options.maxBlockRaw()))));
    }

    /** The finalists encoded in full, on all cores. */
    static List<Encoded> encodeInFull(List<Finalist> finalists, byte[] newImage, ImageSums sums,
                                      BuildOptions options) {
        return finalists.parallelStream().map(f -> {
            Trial t = f.trial();
            byte[] blocks = PayloadEncoder.encode(t.blocks(), newImage, t.codec());
            return new Encoded(PatchAssembler.assemble(t.codec(), f.map(), t.blocks(), blocks, sums, options,
                    t.sparse()), Setting.of(t.codec(), t.sparse()), f.map());
        }).toList();
    }

    /**
     * Of each codec, the trial with the smallest fast-mode size (ties all kept), if it is worth a
     * full encoding ({@link FastModeBest}): fast mode ranks the settings and record kinds of one
     * codec as the full encoding does, LZMA against split less so. A margin of near-best trials
     * encoded in full as well changed no corpus patch (docs/bench, "In-process diff throughput").
     */
    private static Ranking rankedByFastMode(List<Trial> trials, RelocationMap map,
                                            Function<Trial, List<RawBlock>> onWindows) {
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
        List<Integer> judged = kindsOnWindows(trials,
                leads.values().stream().filter(i -> trials.get(i).codec().codec() == judge).toList(), onWindows);
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

    /**
     * Of the judge's leads, one per record kind, those whose kind is smallest on the windows
     * (those within {@link #KIND_ON_WINDOWS_CLOSE} of it kept too), when they are whole trials of
     * at least {@link TrialWindows#FROM_RAW_BYTES} record bytes and the windows' sizes are not
     * below {@link #KIND_ON_WINDOWS_FROM}; else all of them. Only the kept ones are then tried
     * whole. Where the windows decide on the corpus, they put the kinds in the order whole trials
     * do (docs/bench, "The record kind chosen on the windows").
     */
    static List<Integer> kindsOnWindows(List<Trial> trials, List<Integer> judged,
                                        Function<Trial, List<RawBlock>> onWindows) {
        if (judged.size() < 2 || judged.stream().map(trials::get)
                .anyMatch(t -> t.windows() != null || t.rawBytes() < TrialWindows.FROM_RAW_BYTES)) {
            return judged;
        }
        List<List<RawBlock>> windows = judged.stream().map(i -> onWindows.apply(trials.get(i))).toList();
        long[] cut = IntStream.range(0, judged.size()).parallel()
                .mapToLong(k -> SampledTrial.trialSize(windows.get(k), trials.get(judged.get(k)).codec())).toArray();
        long least = Arrays.stream(cut).min().orElseThrow();
        if (least < KIND_ON_WINDOWS_FROM) {
            return judged;
        }
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < cut.length; k++) {
            if (cut[k] <= least * KIND_ON_WINDOWS_CLOSE) {
                kept.add(judged.get(k));
            }
        }
        return kept;
    }

    /** A trial's codec and record kind (lc/lp/pb left out): trials with the same key share a lead. */
    private static Setting leadKey(Trial t) {
        return new Setting(t.codec().codec(), 0, t.sparse());
    }

    /** Fast-mode sizes of the trials at the given indexes, on all cores. */
    private static void measure(List<Trial> trials, List<Integer> indexes, long[] quick) {
        long[] sizes = indexes.parallelStream()
                .mapToLong(i -> trials.get(i).fastSize()).toArray();
        for (int k = 0; k < sizes.length; k++) {
            quick[indexes.get(k)] = sizes[k];
        }
    }

    /** A record kind and the longest block: trials with the same shape share their blocks. */
    private record BlockShape(boolean sparse, int maxBlockRaw) {
    }

    /** A diff's records on the windows of the image (TrialWindows), cut when first asked for, in blocks of each shape. */
    private static final class WindowBlocks {
        private final List<DeltaRecord> records;
        private final long newLength;
        private final Map<BlockShape, List<RawBlock>> byShape = new HashMap<>();
        private List<DeltaRecord> cut;

        WindowBlocks(List<DeltaRecord> records, long newLength) {
            this.records = records;
            this.newLength = newLength;
        }

        List<RawBlock> of(BlockShape shape) {
            if (cut == null) {
                cut = TrialWindows.cut(records, newLength);
            }
            return byShape.computeIfAbsent(shape, k -> RecordBlocker.split(cut, k.maxBlockRaw(), k.sparse()));
        }
    }
}
