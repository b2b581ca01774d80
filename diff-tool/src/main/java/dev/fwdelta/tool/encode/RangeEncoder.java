// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;


/**
 * LZMA's binary range encoder (11-bit probabilities, adaptation shift 5), writing to memory: the
 * output decodes with the runtime's RangeDecoder, which reads exactly these bytes.
 */
final class RangeEncoder {
    private static final int BIT_MODEL_TOTAL = 1 << 11;
    private static final int MOVE_BITS = 5;
    private static final int TOP = 1 << 24;

    private final ByteSink out = ByteSink.collecting(256);
    private long low;
    private int range = 0xFFFF_FFFF;
    private int cache;
    private long cacheSize = 1;

    void bit(short[] probs, int i, int bit) {
        int p = probs[i];
        int bound = (range >>> 11) * p;
        if (bit == 0) {
            range = bound;
            probs[i] = (short) (p + ((BIT_MODEL_TOTAL - p) >>> MOVE_BITS));
        } else {
            low += Integer.toUnsignedLong(bound);
            range -= bound;
            probs[i] = (short) (p - (p >>> MOVE_BITS));
        }
        normalize();
    }

    void directBits(int value, int count) {
        for (int i = count - 1; i >= 0; i--) {
            range >>>= 1;
            if (((value >>> i) & 1) != 0) {
                low += Integer.toUnsignedLong(range);
            }
            normalize();
        }
    }

    /** {@code value} as a {@code bits}-bit tree, probabilities at {@code probs[base + 1 ..]}. */
    void tree(short[] probs, int base, int bits, int value) {
        int m = 1;
        for (int i = bits - 1; i >= 0; i--) {
            int b = (value >>> i) & 1;
            bit(probs, base + m, b);
            m = (m << 1) | b;
        }
    }

    /** Flushes the coder and returns everything it wrote. */
    byte[] finish() {
        for (int i = 0; i < 5; i++) {
            shiftLow();
        }
        return out.toByteArray();
    }

    private void normalize() {
        if (Integer.compareUnsigned(range, TOP) < 0) {
            range <<= 8;
            shiftLow();
        }
    }

    private void shiftLow() {
        int high = (int) (low >>> 32);
        if (high != 0 || low < 0xFF00_0000L) {
            int carry = cache;
            do {
                out.write((carry + high) & 0xFF);
                carry = 0xFF;
            } while (--cacheSize != 0);
            cache = (int) ((low >>> 24) & 0xFF);
        }
        cacheSize++;
        low = (low & 0x00FF_FFFFL) << 8;
    }
}
