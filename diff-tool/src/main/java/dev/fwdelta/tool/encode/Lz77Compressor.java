// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz77support.Parameters;

/** Codec "lz77": an LZ4 block per fwdelta block, with match offsets limited to the window. */
public final class Lz77Compressor implements BlockCompressor {
    private final int window;

    public Lz77Compressor(int window) {
        this.window = window;
    }

    @Override
    public Codec codec() {
        return Codec.LZ77;
    }

    @Override
    public int props() {
        return 0;
    }

    @Override
    public int window() {
        return window;
    }

    /** A power of two, as the format has lz77 windows, and at least the smallest. */
    @Override
    public Lz77Compressor fittedTo(long largestBlockRaw) {
        long needed = Math.max(Limits.MIN_LZ77_WINDOW, largestBlockRaw <= 1 ? 1 : Long.highestOneBit(largestBlockRaw - 1) << 1);
        return needed >= window ? this : new Lz77Compressor((int) needed);
    }

    @Override
    public byte[] compress(byte[] raw) {
        // LZ4 offsets are 16 bits; the window bounds them further so the decoder's ring suffices.
        Parameters params = Parameters.builder(window)
                .withMinBackReferenceLength(4)
                .withMaxOffset(window - 1)
                .withMaxBackReferenceLength(65535)
                .withMaxLiteralLength(65535)
                .tunedForCompressionRatio()
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (BlockLZ4CompressorOutputStream lz4 = new BlockLZ4CompressorOutputStream(out, params)) {
            lz4.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String describe() {
        return "lz77 window " + window;
    }
}
