// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.HashIndex;
import dev.fwdelta.tool.encode.PatchBuilder.Built;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A large image's patch, by the fast road: a hash index instead of the suffix array, views
 * screened on a sample of the diff ({@link ViewGain#sampled}), sparse records only, LZMA lc0 lp0
 * pb0, and the plain diff or a view chosen by raw size, or by a sample of blocks
 * ({@link SampledTrial}) when that is close; only the winner is encoded.
 */
final class LargeImageDiff {
    private LargeImageDiff() {}

    /**
     * A large image diffs only the view with the best predicted gain: each costs an index of the
     * whole view and a scan, and on libpython the second view never won (measured when views
     * were still diffed with a suffix array).
     */
    private static final int REDIFFED_VIEWS_LARGE = 1;

    /** The smallest patch of the plain diff and the view with the best predicted gain, chosen by sample. */
    static Built build(byte[] oldImage, byte[] newImage, List<BlockCompressor> candidates, ImageSums sums,
                       BuildOptions options) {
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
                                         List<DeltaRecord> records, ImageSums sums, BuildOptions options) {
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
        return candidates.stream().filter(c -> !Setting.sameFamily(c.codec(), Codec.LZMA) || lzma.contains(c)).toList();
    }

    /**
     * A large image: the codec setting and the view are chosen on a sample of blocks, and only the
     * winner is encoded in full.
     */
    private static Built buildBySampledTrials(Choice plain, List<ViewScreen.View> views, byte[] newImage,
                                              ImageSums sums, BuildOptions options) {
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
    private static Built encoded(Choice c, byte[] newImage, ImageSums sums, BuildOptions options) {
        return PatchAssembler.assemble(c.codec(), c.candidate().map(), c.candidate().blocks(),
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

    /** The codec and lc/lp/pb that won, with the window left after the map's RAM. */
    private static List<BlockCompressor> sameSetting(RelocationMap map, Codec codec, int props, BuildOptions options) {
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        return CodecCandidates.within(options.ramBudget() - mapRam, options.codec()).stream()
                .filter(c -> c.codec() == codec && c.props() == props).toList();
    }
}
