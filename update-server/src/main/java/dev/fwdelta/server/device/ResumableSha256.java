// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 (FIPS 180-4) whose state between blocks can be written out and read back: what a device
 * keeps beside its download checkpoint so that a download resumed after a reboot still ends in the
 * hash of every byte, without holding those bytes. Java's MessageDigest cannot export its state,
 * and Bouncy Castle's SHA256Digest exports one in a layout of its own (buffer offsets, a purpose
 * byte) that a library upgrade may change: this file's state is SHA-256's own, the eight working
 * words and the bytes of the block not yet full, as a device's C port would keep it.
 * The state is the eight working words and the bytes of the block not yet full; the length hashed
 * so far is kept by the caller with it (the partial block's size is that length modulo 64).
 */
final class ResumableSha256 {
    /** Bytes of one block. */
    static final int BLOCK = 64;
    /** Bytes of the exported state: the eight words, then the partial block (length % 64 bytes). */
    static final int WORDS_BYTES = 32;

    private static final int[] K = roots(64, 3);
    private static final int[] INITIAL = roots(8, 2);

    private final int[] h;
    private final byte[] block = new byte[BLOCK];
    private final int[] w = new int[64];
    private long length;

    ResumableSha256() {
        h = INITIAL.clone();
    }

    private ResumableSha256(int[] h, byte[] partial, long length) {
        this.h = h;
        System.arraycopy(partial, 0, block, 0, partial.length);
        this.length = length;
    }

    /** Bytes hashed so far. */
    long length() {
        return length;
    }

    void update(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            int at = (int) (length % BLOCK);
            block[at] = b[off + i];
            length++;
            if (at == BLOCK - 1) {
                compress(block, 0);
            }
        }
    }

    /** The hash of the bytes so far; this object is left as it was. */
    byte[] digest() {
        ResumableSha256 c = new ResumableSha256(h.clone(), Arrays.copyOf(block, (int) (length % BLOCK)), length);
        long bits = length * 8;
        byte[] pad = new byte[(int) ((BLOCK + 56 - (length + 1) % BLOCK) % BLOCK) + 9];
        pad[0] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
            pad[pad.length - 1 - i] = (byte) (bits >>> (8 * i));
        }
        c.update(pad, 0, pad.length);
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[4 * i] = (byte) (c.h[i] >>> 24);
            out[4 * i + 1] = (byte) (c.h[i] >>> 16);
            out[4 * i + 2] = (byte) (c.h[i] >>> 8);
            out[4 * i + 3] = (byte) c.h[i];
        }
        return out;
    }

    /** The state as hex: the eight words (64 digits), then the partial block (2 digits a byte). */
    String stateHex() {
        byte[] s = new byte[WORDS_BYTES + (int) (length % BLOCK)];
        for (int i = 0; i < 8; i++) {
            s[4 * i] = (byte) (h[i] >>> 24);
            s[4 * i + 1] = (byte) (h[i] >>> 16);
            s[4 * i + 2] = (byte) (h[i] >>> 8);
            s[4 * i + 3] = (byte) h[i];
        }
        System.arraycopy(block, 0, s, WORDS_BYTES, s.length - WORDS_BYTES);
        return HexFormat.of().formatHex(s);
    }

    /**
     * The hash after {@code length} bytes whose state {@link #stateHex} gave. The caller has checked
     * the text (lowercase hex of {@code 32 + length % 64} bytes): anything else is a caller's bug.
     */
    static ResumableSha256 fromState(long length, String hex) {
        if (length < 0 || hex.length() != 2 * (WORDS_BYTES + length % BLOCK)) {
            throw new IllegalArgumentException("state of " + hex.length() + " hex digits for " + length + " bytes");
        }
        byte[] s = HexFormat.of().parseHex(hex);
        int[] h = new int[8];
        for (int i = 0; i < 8; i++) {
            h[i] = ((s[4 * i] & 0xff) << 24) | ((s[4 * i + 1] & 0xff) << 16) | ((s[4 * i + 2] & 0xff) << 8)
                    | (s[4 * i + 3] & 0xff);
        }
        return new ResumableSha256(h, Arrays.copyOfRange(s, WORDS_BYTES, s.length), length);
    }

    private void compress(byte[] b, int off) {
        for (int t = 0; t < 16; t++) {
            w[t] = ((b[off + 4 * t] & 0xff) << 24) | ((b[off + 4 * t + 1] & 0xff) << 16)
                    | ((b[off + 4 * t + 2] & 0xff) << 8) | (b[off + 4 * t + 3] & 0xff);
        }
        for (int t = 16; t < 64; t++) {
            int s0 = Integer.rotateRight(w[t - 15], 7) ^ Integer.rotateRight(w[t - 15], 18) ^ (w[t - 15] >>> 3);
            int s1 = Integer.rotateRight(w[t - 2], 17) ^ Integer.rotateRight(w[t - 2], 19) ^ (w[t - 2] >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int t = 0; t < 64; t++) {
            int t1 = hh + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + K[t] + w[t];
            int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                    + ((a & bb) ^ (a & c) ^ (bb & c));
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = bb;
            bb = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += bb;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += hh;
    }

    /**
     * The first 32 bits of the fractional parts of the {@code n}-th roots of the first {@code count}
     * primes: SHA-256's constants (cube roots) and initial words (square roots), computed exactly
     * rather than typed in.
     */
    private static int[] roots(int count, int n) {
        int[] out = new int[count];
        int found = 0;
        for (int p = 2; found < count; p++) {
            if (BigInteger.valueOf(p).isProbablePrime(50)) {
                // floor(root(p) * 2^32) = floor(root(p * 2^(32n))); its low 32 bits are the fraction's.
                out[found++] = root(BigInteger.valueOf(p).shiftLeft(32 * n), n).intValue();
            }
        }
        return out;
    }

    /** floor of the {@code n}-th root of {@code x}, by bisection. */
    private static BigInteger root(BigInteger x, int n) {
        BigInteger lo = BigInteger.ZERO;
        BigInteger hi = BigInteger.ONE.shiftLeft(x.bitLength() / n + 1);
        while (lo.compareTo(hi) < 0) {
            BigInteger mid = lo.add(hi).add(BigInteger.ONE).shiftRight(1);
            if (mid.pow(n).compareTo(x) <= 0) {
                lo = mid;
            } else {
                hi = mid.subtract(BigInteger.ONE);
            }
        }
        return lo;
    }
}
