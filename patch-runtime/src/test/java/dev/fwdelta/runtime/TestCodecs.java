// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/** Encoders for test data, independent of the builder: a naive LZ4 block encoder and xz-java's raw LZMA. */
public final class TestCodecs {
    private TestCodecs() {}

    /** Greedy LZ4 block with offsets up to {@code window}; naive search, for small inputs only. */
    public static byte[] lz4(byte[] in, int window) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int anchor = 0;
        int i = 0;
        while (i + 4 <= in.length) {
            int bestLen = 0;
            int bestOff = 0;
            for (int j = Math.max(0, i - window); j < i; j++) {
                int len = 0;
                while (i + len < in.length && in[j + len] == in[i + len]) {
                    len++;
                }
                if (len > bestLen) {
                    bestLen = len;
                    bestOff = i - j;
                }
            }
            if (bestLen < 4) {
                i++;
                continue;
            }
            sequence(out, in, anchor, i - anchor, bestOff, bestLen);
            i += bestLen;
            anchor = i;
        }
        int lit = in.length - anchor;
        out.write(Math.min(lit, 15) << 4);
        lengthTail(out, lit);
        out.write(in, anchor, lit);
        return out.toByteArray();
    }

    private static void sequence(ByteArrayOutputStream out, byte[] in, int from, int lit, int off, int len) {
        int m = len - 4;
        out.write(Math.min(lit, 15) << 4 | Math.min(m, 15));
        lengthTail(out, lit);
        out.write(in, from, lit);
        out.write(off & 0xFF);
        out.write(off >>> 8);
        lengthTail(out, m);
    }

    private static void lengthTail(ByteArrayOutputStream out, int n) {
        if (n < 15) {
            return;
        }
        n -= 15;
        while (n >= 255) {
            out.write(255);
            n -= 255;
        }
        out.write(n);
    }

    /** Raw LZMA, no end marker, as codec 2 stores it. */
    public static byte[] lzma(byte[] in, int dict, int lc, int lp, int pb) {
        try {
            LZMA2Options o = new LZMA2Options();
            o.setDictSize(dict);
            o.setLcLp(lc, lp);
            o.setPb(pb);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (LZMAOutputStream s = new LZMAOutputStream(out, o, false)) {
                s.write(in);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
