package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.tool.diff.SuffixArray;
import dev.fwdelta.tool.diff.SuffixMatcher;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Builds a fwdelta patch from two images: records, blocks, the best codec, the header. Besides
 * the plain diff it diffs again against the best relocated views of the old image
 * ({@link ViewScreen}), writes each diff in both record kinds, and keeps the smallest patch. Small
 * images are encoded in full with every candidate (and several alignment margins); large ones
 * choose on a sample of blocks ({@link SampledTrial}) and encode only the winner.
 */
public final class PatchBuilder {
    private PatchBuilder() {}

    /** How many relocated views are diffed again: each costs about as much as the plain diff. */
    private static final int REDIFFED_VIEWS = 2;
    /**
     * A large image diffs only the view with the best predicted gain: a suffix array each, and
     * on libpython the second view never won (22,771 bytes either way, 50 MB less peak memory).
     */
    private static final int REDIFFED_VIEWS_LARGE = 1;
    /**
     * How much a match must beat the current alignment by to start a new record (bsdiff: 8). No
     * one value is best: on the corpus 6 made programmer 3% smaller, 12 made shell 25% smaller,
     * both made libpython larger. Small images try all three.
     */
    private static final int[] SMALL_IMAGE_MARGINS = {8, 6, 12};
    /** New images up to this size are encoded in full with every candidate; larger ones by sample. */
    static final int FULL_TRIAL_LIMIT = 1024 * 1024;

    /** A built patch and the codec setting chosen for it. */
    public record Built(byte[] patch, PatchHeader header, String codecSetting) {
    }

    public static Built build(byte[] oldImage, byte[] newImage, BuildOptions options) {
        checkSize("old image", oldImage.length);
        checkSize("new image", newImage.length);
        List<BlockCompressor> candidates = CodecCandidates.within(options.ramBudget(), options.codec());
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no " + (options.codec() == null ? "codec" : options.codec().label())
                    + " setting fits a decoder RAM budget of " + options.ramBudget() + " bytes (needs at least "
                    + CodecCandidates.minimumBudget(options.codec()) + ")");
        }
        Sums sums = new Sums(ImageChecksums.of(oldImage), ImageChecksums.of(newImage));
        if (newImage.length <= FULL_TRIAL_LIMIT) {
            // Small images: the whole search again for each alignment margin, the smallest kept.
            int[] sa = SuffixArray.bsdiffOrder(oldImage);
            List<Built> built = new ArrayList<>();
            List<BlockCompressor> codecs = candidates;
            for (int margin : SMALL_IMAGE_MARGINS) {
                List<DeltaRecord> records = SuffixMatcher.diff(oldImage, sa, newImage, margin);
                List<ViewScreen.View> views = ViewScreen.screened(oldImage, newImage, records, options, REDIFFED_VIEWS);
                built.add(buildByFullTrials(records, views, margin, codecs, newImage, sums, options));
                // The other margins try the codec setting that won the first (it wins there too,
                // as a rule): a third of the encoding work each.
                PatchHeader first = built.get(0).header();
                codecs = candidates.stream()
                        .filter(c -> c.codec() == first.codec() && c.props() == first.codecProps()).toList();
            }
            return smallest(built);
        }
        List<DeltaRecord> records = SuffixMatcher.diff(oldImage, newImage);
        List<ViewScreen.View> views = ViewScreen.screened(oldImage, newImage, records, options, REDIFFED_VIEWS_LARGE);
        // From here on the blocks hold the plain diff: the records go before a view's suffix array
        // is built (the diff's peak heap).
        Candidate plain = Candidate.of(null, records, options.maxBlockRaw());
        records = null;
        return buildBySampledTrials(plain, views, candidates, newImage, sums, options);
    }

    /** Every codec setting on the plain diff, the views with the winning setting: all fully encoded. */
    private static Built buildByFullTrials(List<DeltaRecord> records, List<ViewScreen.View> views, int margin,
                                           List<BlockCompressor> candidates, byte[] newImage, Sums sums,
                                           BuildOptions options) {
        List<Built> built = new ArrayList<>();
        encode(records, null, candidates, newImage, sums, options, built);
        // The codec setting that won on the plain diff wins on a view too, as a rule.
        PatchHeader plainBest = smallest(built).header();
        for (ViewScreen.View v : views) {
            encode(SuffixMatcher.diff(v.bytes(), SuffixArray.bsdiffOrder(v.bytes()), newImage, margin), v.map(),
                    sameSetting(v.map(), plainBest.codec(), plainBest.codecProps(), options), newImage, sums, options,
                    built);
        }
        return smallest(built);
    }

    /**
     * A large image: the codec setting and the view are chosen on a sample of blocks, and only the
     * winner is encoded in full (a full LZMA pass over megabytes of records costs seconds).
     */
    /** A diff in both record kinds, and the map it was made with (null: the plain diff). */
    private record Candidate(RelocationMap map, List<RawBlock> dense, List<RawBlock> sparse) {
        static Candidate of(RelocationMap map, List<DeltaRecord> records, int maxBlockRaw) {
            return new Candidate(map, RecordBlocker.split(records, maxBlockRaw, false),
                    RecordBlocker.split(records, maxBlockRaw, true));
        }
    }

    private static Built buildBySampledTrials(Candidate plain, List<ViewScreen.View> views, List<BlockCompressor> candidates,
                                              byte[] newImage, Sums sums, BuildOptions options) {
        // LZ77 and stored blocks are tried only when no LZMA setting fits: on every corpus pair
        // their patches are 1.4 to 2 times LZMA's, and the LZ77 trial alone costs half a second here.
        List<BlockCompressor> lzma = candidates.stream().filter(c -> c.codec() == Codec.LZMA).toList();
        // The view's suffix array and diff (a large image has one view: its suffix array is the
        // diff's peak heap, DiffHeapBoundTest) run while the codec trials use the other core.
        List<CompletableFuture<Candidate>> viewDiffs = views.stream()
                .map(v -> CompletableFuture.supplyAsync(() -> Candidate.of(v.map(),
                        SuffixMatcher.diff(v.bytes(), newImage), options.maxBlockRaw())))
                .toList();
        BlockCompressor plainCodec = (lzma.isEmpty() ? candidates : lzma).stream()
                .min(Comparator.comparingLong(c -> SampledTrial.estimate(plain.dense(), c,
                        SampledTrial.CODEC_SAMPLE_BYTES)))
                .orElseThrow();
        Choice best = Choice.better(null, plain, plainCodec);
        for (CompletableFuture<Candidate> diff : viewDiffs) {
            Candidate view = diff.join();
            List<BlockCompressor> codecs = sameSetting(view.map(), plainCodec.codec(), plainCodec.props(), options);
            if (!codecs.isEmpty()) {
                best = Choice.better(best, view, codecs.get(0));
            }
        }
        return assemble(best.codec(), best.map(), PayloadEncoder.encode(best.blocks(), newImage, best.codec()),
                best.blocks().size(), sums, options, best.sparse());
    }

    /** The blocks of one record kind of a candidate, its codec, and the size predicted from a sample. */
    private record Choice(RelocationMap map, List<RawBlock> blocks, boolean sparse, BlockCompressor codec,
                          long estimate) {
        /** The smaller of {@code best} and both kinds of {@code c}; the map's bytes counted. */
        static Choice better(Choice best, Candidate c, BlockCompressor codec) {
            // the map's bytes as the patch carries them (format 3's varint map, not the device's table)
            long mapBytes = c.map() == null ? 0 : c.map().encodeCompact().length;
            for (boolean sparse : new boolean[] {false, true}) {
                List<RawBlock> blocks = sparse ? c.sparse() : c.dense();
                long size = SampledTrial.estimate(blocks, codec) + mapBytes;
                if (best == null || size < best.estimate()) {
                    best = new Choice(c.map(), blocks, sparse, codec, size);
                }
            }
            return best;
        }
    }

    /** The codec and lc/lp/pb that won, with the window left after the map's RAM. */
    private static List<BlockCompressor> sameSetting(RelocationMap map, Codec codec, int props, BuildOptions options) {
        long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.sectionEntries();
        return CodecCandidates.within(options.ramBudget() - mapRam, options.codec()).stream()
                .filter(c -> c.codec() == codec && c.props() == props).toList();
    }

    private static Built smallest(List<Built> built) {
        return built.stream().min(Comparator.comparingInt(b -> b.patch().length)).orElseThrow();
    }

    private record Sums(ImageChecksums old, ImageChecksums neu) {
    }

    private static void encode(List<DeltaRecord> records, RelocationMap map, List<BlockCompressor> codecs,
                               byte[] newImage, Sums sums, BuildOptions options, List<Built> built) {
        // Both record kinds (FORMAT.md 2.2): sparse records win where long zero runs alternate with
        // changed bytes, plain ones where LZMA finds the runs' pattern itself. The codec settings
        // and kinds are independent: encoded on all cores (the order of the list is kept).
        for (boolean sparse : new boolean[] {false, true}) {
            List<RawBlock> blocks = RecordBlocker.split(records, options.maxBlockRaw(), sparse);
            built.addAll(codecs.parallelStream()
                    .map(c -> assemble(c, map, PayloadEncoder.encode(blocks, newImage, c), blocks.size(), sums,
                            options, sparse))
                    .toList());
        }
    }

    private static void checkSize(String what, long size) {
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(what + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
    }

    private static Built assemble(BlockCompressor c, RelocationMap map, byte[] blocks, int blockCount, Sums sums,
                                  BuildOptions options, boolean sparse) {
        byte[] mapSection = map == null ? new byte[0] : map.encodeCompact();
        byte[] payload = new byte[mapSection.length + blocks.length];
        System.arraycopy(mapSection, 0, payload, 0, mapSection.length);
        System.arraycopy(blocks, 0, payload, mapSection.length, blocks.length);
        int mapCount = map == null ? 0 : map.sectionEntries();
        // Format 3, unsigned: no payload hash until a signer adds one with its signature.
        PatchHeader header = new PatchHeader(PatchHeader.FORMAT_VERSION_COMPACT,
                map == null ? 0 : PatchHeader.FLAG_RELOCATED, c.codec(), c.props(), mapCount, mapSection.length,
                c.window(), PatchHeader.decoderRam(c.codec(), c.window(), c.props(), mapCount), options.maxBlockRaw(),
                blockCount, payload.length, sums.old(), sums.neu(), null, options.firmwareVersion(),
                options.hardwareId(), SignatureSection.NONE);
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
        if (map.has(RelocationMap.POINTER32) || map.has(RelocationMap.POINTER64)) {
            kinds.add((map.has(RelocationMap.POINTER64) ? "64-bit " : "") + "pointers at "
                    + String.format("0x%08x", map.imageBase()));
        }
        return "relocation map " + (map.sectionEntries() - 1) + " entries, " + String.join(" + ", kinds);
    }
}
