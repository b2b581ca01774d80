package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds a fwdelta patch from two images: bsdiff records, blocks, the best codec, the header. */
public final class PatchBuilder {
    private PatchBuilder() {}

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
        List<DeltaRecord> records = BsdiffMatcher.diff(oldImage, newImage);
        ImageChecksums oldSums = ImageChecksums.of(oldImage);
        ImageChecksums newSums = ImageChecksums.of(newImage);
        List<RawBlock> blocks = RecordBlocker.split(records, options.maxBlockRaw());
        List<Built> built = new ArrayList<>();
        for (BlockCompressor c : candidates) {
            built.add(assemble(c, null, PayloadEncoder.encode(blocks, newImage, c), blocks.size(), oldSums, newSums,
                    options));
        }
        // The same records with Thumb BL calls predicted through a relocation map: kept if smaller.
        RelocationMap map = RelocationPlanner.plan(records, oldImage.length,
                RelocationPlanner.entriesWithin(options.ramBudget()));
        List<DeltaRecord> predicted = map == null ? null : RelocationPlanner.predict(oldImage, newImage, records, map);
        if (predicted != null) {
            List<RawBlock> pBlocks = RecordBlocker.split(predicted, options.maxBlockRaw());
            long mapRam = (long) Limits.MAP_ENTRY_BYTES * map.size();
            for (BlockCompressor c : CodecCandidates.within(options.ramBudget() - mapRam, options.codec())) {
                built.add(assemble(c, map, PayloadEncoder.encode(pBlocks, newImage, c), pBlocks.size(), oldSums,
                        newSums, options));
            }
        }
        return built.stream().min(Comparator.comparingInt(b -> b.patch().length)).orElseThrow();
    }

    private static void checkSize(String what, long size) {
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(what + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
    }

    private static Built assemble(BlockCompressor c, RelocationMap map, byte[] blocks, int blockCount,
                                  ImageChecksums oldSums, ImageChecksums newSums, BuildOptions options) {
        byte[] mapSection = map == null ? new byte[0] : map.encode();
        byte[] payload = new byte[mapSection.length + blocks.length];
        System.arraycopy(mapSection, 0, payload, 0, mapSection.length);
        System.arraycopy(blocks, 0, payload, mapSection.length, blocks.length);
        int mapCount = map == null ? 0 : map.size();
        java.security.MessageDigest sha = ImageChecksums.sha256Digest();
        PatchHeader header = new PatchHeader(map == null ? 0 : PatchHeader.FLAG_THUMB_BL, c.codec(), c.props(), mapCount,
                c.window(), PatchHeader.decoderRam(c.codec(), c.window(), c.props(), mapCount), options.maxBlockRaw(),
                blockCount, payload.length, oldSums, newSums, sha.digest(payload), options.firmwareVersion(),
                options.hardwareId(), SignatureSection.NONE);
        byte[] head = header.encode();
        byte[] patch = new byte[head.length + payload.length];
        System.arraycopy(head, 0, patch, 0, head.length);
        System.arraycopy(payload, 0, patch, head.length, payload.length);
        return new Built(patch, header, c.describe() + (map == null ? "" : ", Thumb BL map " + mapCount));
    }
}
