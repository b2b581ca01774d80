// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchHeader;
import java.util.List;

/**
 * Builds a fwdelta patch from two images: records, blocks, the best codec, the header. Besides
 * the plain diff it diffs again against the best relocated views of the old image
 * ({@link ViewScreen}) and keeps the smallest patch. Small images (firmware) take the thorough
 * search of {@link SmallImageSearch}; large ones, where diff time goes, the fast road of
 * {@link LargeImageDiff}.
 */
public final class PatchBuilder {
    private PatchBuilder() {}

    /** New images up to this size are encoded in full with every candidate; larger ones by sample. */
    public static final int FULL_TRIAL_LIMIT = 1024 * 1024;

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
        ImageSums sums = ImageSums.startOf(oldImage, newImage);
        if (newImage.length <= FULL_TRIAL_LIMIT) {
            return SmallImageSearch.build(oldImage, newImage, candidates, sums, options);
        }
        return LargeImageDiff.build(oldImage, newImage, candidates, sums, options);
    }

    private static void checkSize(String what, long size) {
        if (size > Limits.MAX_IMAGE_SIZE) {
            throw new IllegalArgumentException(what + " has " + size + " bytes; fwdelta takes images up to "
                    + Limits.MAX_IMAGE_SIZE + " bytes (2 GiB - 1)");
        }
    }
}
