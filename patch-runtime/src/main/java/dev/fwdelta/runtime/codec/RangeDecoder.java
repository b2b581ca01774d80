// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;

/**
 * LZMA's binary range decoder over a small fixed look-ahead buffer. It normalises after each
 * bit, so it reads exactly the bytes the encoder wrote, which lets the block check that its
 * codec data was consumed to the last byte.
 */
final class RangeDecoder {
    static final int BIT_MODEL_TOTAL = 1 << 11;
    private static final int MOVE_BITS = 5;
    private static final int TOP = 1 << 24;

    private final byte[] in = new byte[Codec.LZMA_INPUT_BUFFER];
    private int inPos;
    private int inLimit;
    private int range;
    private int code;

    void reset() {
        inPos = 0;
        inLimit = 0;
    }

    int buffered() {
        return inLimit - inPos;
    }

    int room() {
        return in.length - buffered();
    }

    /** Appends up to {@link #room()} bytes of input; returns how many were taken. */
    int fill(byte[] b, int off, int len) {
        if (inPos > 0) {
            System.arraycopy(in, inPos, in, 0, inLimit - inPos);
            inLimit -= inPos;
            inPos = 0;
        }
        int n = Math.min(len, in.length - inLimit);
        System.arraycopy(b, off, in, inLimit, n);
        inLimit += n;
        return n;
    }

    /** Reads the 5-byte start of a range-coded stream. */
    void init() throws PatchException {
        if (nextByte() != 0) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "lzma stream does not start with a zero byte");
        }
        code = 0;
        for (int i = 0; i < 4; i++) {
            code = (code << 8) | nextByte();
        }
        range = 0xFFFF_FFFF;
        if (code == range) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "lzma stream starts with an impossible code");
        }
    }

    boolean finishedOk() {
        return code == 0;
    }

    private int nextByte() throws PatchException {
        if (inPos == inLimit) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "lzma data ends inside a symbol");
        }
        return in[inPos++] & 0xFF;
    }

    private void normalize() throws PatchException {
        if (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            code = (code << 8) | nextByte();
        }
    }

    int bit(short[] probs, int i) throws PatchException {
        int p = probs[i];
        int bound = (range >>> 11) * p;
        int bit;
        if (Integer.compareUnsigned(code, bound) < 0) {
            range = bound;
            probs[i] = (short) (p + ((BIT_MODEL_TOTAL - p) >>> MOVE_BITS));
            bit = 0;
        } else {
            range -= bound;
            code -= bound;
            probs[i] = (short) (p - (p >>> MOVE_BITS));
            bit = 1;
        }
        normalize();
        return bit;
    }

    int directBits(int count) throws PatchException {
        int result = 0;
        for (int i = 0; i < count; i++) {
            range >>>= 1;
            code -= range;
            int t = -(code >>> 31);
            code += range & t;
            if (code == range) {
                throw new PatchException(ErrorCode.CODEC_CORRUPT, "lzma direct bits out of range");
            }
            normalize();
            result = (result << 1) + (t + 1);
        }
        return result;
    }

    /** Bit-tree symbol of {@code bits} bits, probabilities at {@code probs[base + 1 ..]}. */
    int tree(short[] probs, int base, int bits) throws PatchException {
        int m = 1;
        for (int i = 0; i < bits; i++) {
            m = (m << 1) + bit(probs, base + m);
        }
        return m - (1 << bits);
    }

    int reverseTree(short[] probs, int base, int bits) throws PatchException {
        int m = 1;
        int symbol = 0;
        for (int i = 0; i < bits; i++) {
            int b = bit(probs, base + m);
            m = (m << 1) + b;
            symbol |= b << i;
        }
        return symbol;
    }
}
