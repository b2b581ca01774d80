// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;

/** Compresses one block's records with a codec, its state starting fresh for every block. */
public interface BlockCompressor {
    Codec codec();

    /** codec_props byte of the header. */
    int props();

    /** codec_window of the header. */
    int window();

    byte[] compress(byte[] raw);

    /**
     * {@code compress(raw).length}, for trials that need only the size: a codec that can count its
     * output without laying it out does so.
     */
    default long compressedSize(byte[] raw) {
        return compress(raw).length;
    }

    /**
     * A faster setting of the same codec that ranks candidates as this one would, for trials on a
     * sample; the codec data it makes is valid but may be larger. This compressor itself when the
     * codec has no cheaper setting (the builder then skips trials that would cost a full encoding).
     */
    default BlockCompressor forTrial() {
        return this;
    }

    /**
     * This setting with the smallest window its codec allows that still reaches every match of
     * blocks of at most {@code largestBlockRaw} raw bytes. A match reaches back no further than
     * its block's first byte (every block starts the codec afresh), so what this compressor made
     * decodes the same under the smaller window, and the device needs less RAM for it (FORMAT.md
     * 4). This compressor itself when its window is no larger.
     */
    default BlockCompressor fittedTo(long largestBlockRaw) {
        return this;
    }

    /**
     * The longest block, in raw record bytes, this setting may be given when {@code requested}
     * is asked for (the header's max_block_raw): {@code requested} unless the codec's window
     * is only safe for shorter blocks.
     */
    default int maxBlockRaw(int requested) {
        return requested;
    }

    default long decoderRam() {
        return codec().decoderRam(window(), props());
    }

    default String describe() {
        return codec().label();
    }
}
