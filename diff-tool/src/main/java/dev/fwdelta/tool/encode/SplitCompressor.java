// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.codec.SplitInterleaver;
import dev.fwdelta.runtime.format.ByteWriter;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.SplitControls;

/**
 * Codec "split" (FORMAT.md 2.4): a block's records taken apart into their control values, coded
 * with an adaptive model per field, and their data bytes (diff literals and extras in the order
 * they are written), coded as raw LZMA; the two streams are laid out in the order the decoder
 * reads them. The controls are a third of a release's record bytes (micro:bit v2), and coded
 * apart neither they nor the code bytes dilute the other's statistics.
 */
public final class SplitCompressor implements BlockCompressor {
    private final LzmaCompressor data;

    public SplitCompressor(int dictSize, int lc, int lp, int pb) {
        this(new LzmaCompressor(dictSize, lc, lp, pb));
    }

    private SplitCompressor(LzmaCompressor data) {
        this.data = data;
    }

    @Override
    public BlockCompressor forTrial() {
        return new SplitCompressor((LzmaCompressor) data.forTrial());
    }

    @Override
    public Codec codec() {
        return Codec.SPLIT;
    }

    @Override
    public int props() {
        return data.props();
    }

    @Override
    public int window() {
        return data.window();
    }

    /** The data stream is never longer than its block's records: their length bounds its matches too. */
    @Override
    public SplitCompressor fittedTo(long largestBlockRaw) {
        LzmaCompressor fitted = data.fittedTo(largestBlockRaw);
        return fitted == data ? this : new SplitCompressor(fitted);
    }

    /** The data stream is never longer than its block's records, so the data codec's limit holds for the block. */
    @Override
    public int maxBlockRaw(int requested) {
        return data.maxBlockRaw(requested);
    }

    @Override
    public byte[] compress(byte[] raw) {
        Streams s = Streams.of(raw);
        byte[] controls = s.controls().finish();
        byte[] d = s.data().toByteArray();
        return SplitInterleaver.interleave(raw, controls, d.length == 0 ? d : data.compress(d), window(), props());
    }

    /**
     * The interleaved block is controls_length, the controls and the data with no chunk headers
     * (FORMAT.md 2.4): its size is known without running the decoder to lay the chunks out.
     */
    @Override
    public long compressedSize(byte[] raw) {
        Streams s = Streams.of(raw);
        long controls = s.controls().finish().length;
        byte[] d = s.data().toByteArray();
        return ByteWriter.uvarintLength(controls) + controls + (d.length == 0 ? 0 : data.compressedSize(d));
    }

    /** A block's records taken apart: control values coded, data bytes in the order written. */
    private record Streams(ControlValueEncoder controls, ByteSink data) {
        static Streams of(byte[] raw) {
            ControlValueEncoder controls = new ControlValueEncoder();
            ByteSink dataBytes = ByteSink.collecting(raw.length);
            Cursor in = new Cursor(raw);
            while (in.pos < raw.length) {
                int kind = raw[in.pos++] & 0xFF;
                controls.encode(SplitControls.KIND, kind);
                long diffLen = in.uvarint();
                controls.encode(SplitControls.DIFF_LEN, diffLen);
                if (kind == 0) {
                    in.copy(diffLen, dataBytes);
                } else {
                    for (long left = diffLen; left > 0; ) {
                        long zeros = in.uvarint();
                        long literals = in.uvarint();
                        controls.encode(SplitControls.ZERO_RUN, zeros);
                        controls.encode(SplitControls.LITERAL_LEN, literals);
                        in.copy(literals, dataBytes);
                        left -= zeros + literals;
                    }
                }
                long extraLen = in.uvarint();
                controls.encode(SplitControls.EXTRA_LEN, extraLen);
                in.copy(extraLen, dataBytes);
                controls.encode(SplitControls.SEEK, in.uvarint());
            }
            return new Streams(controls, dataBytes);
        }
    }

    @Override
    public String describe() {
        return "split, data " + data.describe();
    }

    /** The builder's own records, read back: well formed by construction. */
    private static final class Cursor {
        private final byte[] b;
        private int pos;

        Cursor(byte[] b) {
            this.b = b;
        }

        long uvarint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
        }

        void copy(long n, ByteSink to) {
            to.write(b, pos, (int) n);
            pos += (int) n;
        }
    }
}
