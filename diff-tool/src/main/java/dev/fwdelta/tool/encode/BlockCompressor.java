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

    default long decoderRam() {
        return codec().decoderRam(window(), props());
    }

    default String describe() {
        return codec().label();
    }
}
