package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.tool.diff.BsdiffMatcher;
import dev.fwdelta.tool.diff.DeltaRecord;
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
        List<RawBlock> blocks = RecordBlocker.split(records, options.maxBlockRaw());
        ImageChecksums oldSums = ImageChecksums.of(oldImage);
        ImageChecksums newSums = ImageChecksums.of(newImage);
        return candidates.stream()
                .map(c -> assemble(c, PayloadEncoder.encode(blocks, newImage, c), blocks.size(), oldSums, newSums, options))
                .min(Comparator.comparingInt(b -> b.patch().length))
                .orElseThrow();
    }

    private static void checkSize(String what, long size) {
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(what + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
    }

    private static Built assemble(BlockCompressor c, byte[] payload, int blockCount, ImageChecksums oldSums,
                                  ImageChecksums newSums, BuildOptions options) {
        java.security.MessageDigest sha = ImageChecksums.sha256Digest();
        PatchHeader header = new PatchHeader(0, c.codec(), c.props(), c.window(), c.decoderRam(),
                options.maxBlockRaw(), blockCount, payload.length, oldSums, newSums, sha.digest(payload),
                options.firmwareVersion(), options.hardwareId(), SignatureSection.NONE);
        byte[] head = header.encode();
        byte[] patch = new byte[head.length + payload.length];
        System.arraycopy(head, 0, patch, 0, head.length);
        System.arraycopy(payload, 0, patch, head.length, payload.length);
        return new Built(patch, header, c.describe());
    }
}
