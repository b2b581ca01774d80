package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.format.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.UnsupportedOptionsException;

/** Codec "lzma": raw LZMA, no end marker (the block header gives the raw length). */
public final class LzmaCompressor implements BlockCompressor {
    private final int dictSize;
    private final int lc;
    private final int lp;
    private final int pb;

    public LzmaCompressor(int dictSize, int lc, int lp, int pb) {
        this.dictSize = dictSize;
        this.lc = lc;
        this.lp = lp;
        this.pb = pb;
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

    @Override
    public byte[] compress(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try {
            LZMA2Options options = new LZMA2Options(LZMA2Options.PRESET_MAX);
            options.setDictSize(dictSize);
            options.setLcLp(lc, lp);
            options.setPb(pb);
            try (LZMAOutputStream lzma = new LZMAOutputStream(out, options, false)) {
                lzma.write(raw);
            }
        } catch (UnsupportedOptionsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String describe() {
        return "lzma dict " + dictSize + " lc" + lc + " lp" + lp + " pb" + pb;
    }
}
