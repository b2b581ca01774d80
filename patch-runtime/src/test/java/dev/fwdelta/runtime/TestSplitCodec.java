// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import dev.fwdelta.runtime.codec.SplitInterleaver;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Codec 3 (split) written from docs/FORMAT.md 2.4 alone, for the golden vectors: the records'
 * control values coded by a range coder and field models of its own (nothing shared with the
 * builder), the data bytes by xz's LZMA; the runtime's interleaver lays out the chunks (the order
 * is the decoder's by definition) and checks the block decodes.
 */
final class TestSplitCodec {
    private TestSplitCodec() {}

    static byte[] split(byte[] raw, int dict, int lc, int lp, int pb) {
        return split(raw, dict, dict, lc, lp, pb);
    }

    /**
     * With xz's dictionary {@code encoderDict} (4096 at least) for a block whose codec_window is
     * {@code window}: the caller keeps every match of the data bytes within the window.
     */
    static byte[] split(byte[] raw, int encoderDict, int window, int lc, int lp, int pb) {
        Coder c = new Coder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int[] at = {0};
        while (at[0] < raw.length) {
            int kind = raw[at[0]++] & 0xFF;
            c.value(0, kind);
            long diff = uvarint(raw, at);
            c.value(1, diff);
            if (kind == 0) {
                data.write(raw, at[0], (int) diff);
                at[0] += (int) diff;
            } else {
                while (diff > 0) {
                    long zeros = uvarint(raw, at);
                    long literals = uvarint(raw, at);
                    c.value(2, zeros);
                    c.value(3, literals);
                    data.write(raw, at[0], (int) literals);
                    at[0] += (int) literals;
                    diff -= zeros + literals;
                }
            }
            long extra = uvarint(raw, at);
            c.value(4, extra);
            data.write(raw, at[0], (int) extra);
            at[0] += (int) extra;
            c.value(5, uvarint(raw, at));
        }
        byte[] d = data.toByteArray();
        return SplitInterleaver.interleave(raw, c.finish(),
                d.length == 0 ? d : TestCodecs.lzma(d, encoderDict, lc, lp, pb), window, props(lc, lp, pb));
    }

    private static int props(int lc, int lp, int pb) {
        return (pb * 5 + lp) * 9 + lc;
    }

    /** The uvarint at {@code at[0]}, which moves past it. */
    static long uvarint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    /** FORMAT.md 2.4's value coder over LZMA's range coder, as the text states them. */
    private static final class Coder {
        private final int[][] models = new int[6][174];
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long low;
        private long range = 0xFFFF_FFFFL;
        private int cache;
        private int pendingBytes = 1;

        Coder() {
            for (int[] m : models) {
                Arrays.fill(m, 1024);
            }
        }

        void value(int field, long v) {
            int[] p = models[field];
            int n = 64 - Long.numberOfLeadingZeros(v);
            if (n < 8) {
                tree(p, -1, 1, 0); // choice 0 at p[0]
                tree(p, 2, 3, n);
            } else if (n < 16) {
                tree(p, -1, 1, 1);
                tree(p, 0, 1, 0); // choice2 0 at p[1]
                tree(p, 10, 3, n - 8);
            } else {
                tree(p, -1, 1, 1);
                tree(p, 0, 1, 1);
                tree(p, 18, 5, n - 16);
            }
            if (n >= 2) {
                int high = Math.min(2, n - 1);
                int rest = n - 1 - high;
                tree(p, 50 + 4 * (n - 2), high, (int) (v >>> rest) & ((1 << high) - 1));
                for (int i = rest - 1; i >= 0; i--) {
                    range >>>= 1;
                    if (((v >>> i) & 1) != 0) {
                        low += range;
                    }
                    normalize();
                }
            }
        }

        private void tree(int[] p, int base, int bits, int symbol) {
            int m = 1;
            for (int i = bits - 1; i >= 0; i--) {
                int b = (symbol >>> i) & 1;
                long bound = (range >>> 11) * p[base + m];
                if (b == 0) {
                    range = bound;
                    p[base + m] += (2048 - p[base + m]) >>> 5;
                } else {
                    low += bound;
                    range -= bound;
                    p[base + m] -= p[base + m] >>> 5;
                }
                normalize();
                m = (m << 1) | b;
            }
        }

        private void normalize() {
            if (range < (1L << 24)) {
                range = (range << 8) & 0xFFFF_FFFFL;
                shift();
            }
        }

        private void shift() {
            if (low < 0xFF00_0000L || low >= (1L << 32)) {
                int carry = (int) (low >>> 32);
                for (int first = cache; pendingBytes > 0; pendingBytes--, first = 0xFF) {
                    out.write((first + carry) & 0xFF);
                }
                cache = (int) ((low >>> 24) & 0xFF);
            }
            pendingBytes++;
            low = (low & 0xFF_FFFFL) << 8;
        }

        byte[] finish() {
            for (int i = 0; i < 5; i++) {
                shift();
            }
            return out.toByteArray();
        }
    }
}
