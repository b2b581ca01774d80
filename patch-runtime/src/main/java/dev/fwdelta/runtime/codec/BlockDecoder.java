// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.Codec;
import java.io.IOException;

/**
 * Push-style decoder of one codec. All memory is allocated when it is created, sized by the
 * header's checked codec parameters; {@link #start} resets the codec state for each block.
 */
public interface BlockDecoder {
    /** Begins a block of {@code encodedLength} codec bytes that must decode to {@code rawLength} bytes. */
    void start(long encodedLength, long rawLength);

    /** Feeds codec bytes of the current block; decoded bytes go to {@code out} as they appear. */
    void feed(byte[] b, int off, int len, RawConsumer out) throws IOException;

    /** Called when every codec byte of the block was fed: checks the block decoded completely. */
    void finish(RawConsumer out) throws IOException;

    /** The decoder of {@code codec}: an exhaustive switch, so a new codec does not compile without one. */
    static BlockDecoder create(Codec codec, int window, int props) {
        return switch (codec) {
            case NONE -> new StoredDecoder();
            case LZ77 -> new Lz4BlockDecoder(window);
            case LZMA -> new LzmaBlockDecoder(window, props);
            case SPLIT -> new SplitBlockDecoder(window, props);
        };
    }
}
