// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.Limits;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.UnsupportedOptionsException;

/** Codec "lzma": raw LZMA, no end marker (the block header gives the raw length). */
public final class LzmaCompressor implements BlockCompressor {
    private final int dictSize;
    private final int lc;
    private final int lp;
    private final int pb;
    private final boolean fast;
    private static final int TRIAL_NICE_LENGTH = 64;
    /**
     * The smallest window written when the budget leaves a larger one: appliers made before the
     * format took lzma windows below it refuse smaller ones (FORMAT.md 2.1), so a patch that
     * fits with it keeps to it.
     */
    static final int COMPATIBLE_WINDOW = 4096;
    /**
     * The encoders' large arrays (the window's buffer, the match finder's tables), kept between
     * encodings: a search makes tens of encoders, and an encoder's own arrays cost more to allocate
     * and clear than a small trial costs to code (docs/bench, "The encoders' arrays kept"). Shared
     * by every thread (xz-java's cache is thread-safe); a kept array is cleared where the encoder
     * needs it so, and the output is the same either way.
     */
    private static final ArrayCache ARRAYS = BasicArrayCache.getInstance();

    public LzmaCompressor(int dictSize, int lc, int lp, int pb) {
        this(dictSize, lc, lp, pb, false);
    }

    private LzmaCompressor(int dictSize, int lc, int lp, int pb, boolean fast) {
        this.dictSize = dictSize;
        this.lc = lc;
        this.lp = lp;
        this.pb = pb;
        this.fast = fast;
    }

    /**
     * LZMA's fast mode (hash chains, greedy parsing, matches up to 64 bytes): several times faster
     * than normal mode on sparse records, and larger by about the same share for every candidate,
     * so it ranks them the same way.
     */
    @Override
    public BlockCompressor forTrial() {
        return new LzmaCompressor(dictSize, lc, lp, pb, true);
    }

    @Override
    public Codec codec() {
        return Codec.LZMA;
    }

    @Override
    public int props() {
        return Codec.lzmaProps(lc, lp, pb);
    }

    @Override
    public int window() {
        return dictSize;
    }

    /**
     * The dictionary rounded up to a multiple of 256, as CodecCandidates sizes it, and at least
     * {@link #COMPATIBLE_WINDOW} unless the budget's window is already smaller.
     */
    @Override
    public LzmaCompressor fittedTo(long largestBlockRaw) {
        long floor = dictSize >= COMPATIBLE_WINDOW ? COMPATIBLE_WINDOW : Limits.MIN_LZMA_WINDOW;
        long needed = Math.max(floor, (largestBlockRaw + 0xFF) & ~0xFFL);
        return needed >= dictSize ? this : new LzmaCompressor((int) needed, lc, lp, pb, fast);
    }

    /**
     * A window below xz-java's smallest dictionary is written with blocks no longer than it: the
     * encoder keeps its larger dictionary, but a match never reaches back past its block's first
     * byte, so none reaches further than the window.
     */
    @Override
    public int maxBlockRaw(int requested) {
        return dictSize < LZMA2Options.DICT_SIZE_MIN ? Math.min(requested, dictSize) : requested;
    }

    @Override
    public byte[] compress(byte[] raw) {
        ByteSink out = ByteSink.collecting(raw.length / 4 + 64);
        compressTo(raw, out);
        return out.toByteArray();
    }

    @Override
    public long compressedSize(byte[] raw) {
        ByteSink out = ByteSink.counting();
        compressTo(raw, out);
        return out.size();
    }

    private void compressTo(byte[] raw, OutputStream out) {
        try {
            // Preset 1 is fast mode with hash chains. The patch itself takes the longest matches
            // the format has (273): the diff stream's runs of zero bytes and long repeats then
            // cost one match each. Preset 9 stops at 64, which made every corpus patch larger,
            // libpython's plain diff most.
            LZMA2Options options = new LZMA2Options(fast ? 1 : LZMA2Options.PRESET_MAX);
            options.setNiceLen(fast ? TRIAL_NICE_LENGTH : LZMA2Options.NICE_LEN_MAX);
            options.setDictSize(Math.max(dictSize, LZMA2Options.DICT_SIZE_MIN));
            options.setLcLp(lc, lp);
            options.setPb(pb);
            try (LZMAOutputStream lzma = new LZMAOutputStream(out, options, false, ARRAYS)) {
                lzma.write(raw);
            }
        } catch (UnsupportedOptionsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String describe() {
        return "lzma dict " + dictSize + " lc" + lc + " lp" + lp + " pb" + pb;
    }
}
