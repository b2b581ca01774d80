// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The encoders share their arrays between encodings (LzmaCompressor.ARRAYS): whatever an earlier
 * encoding left in them, the same bytes must give the same output, or the same pair would not
 * always give the same patch.
 */
class LzmaCompressorTest {
    /** Records-like bytes: runs of zeros between changed bytes, some repeated code. */
    private static byte[] records(int seed, int length) {
        Random r = new Random(seed);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : 0;
        }
        System.arraycopy(b, 0, b, length / 2, length / 4);
        return b;
    }

    @Test
    void keptArraysGiveTheSameOutputAsTheFirstEncoding() {
        byte[] raw = records(1, 50_000);
        LzmaCompressor codec = new LzmaCompressor(8192, 3, 0, 2);
        byte[] first = codec.compress(raw);
        long firstTrial = codec.forTrial().compressedSize(raw);
        // Other sizes, windows and settings leave other contents in the kept arrays.
        List<LzmaCompressor> others = List.of(new LzmaCompressor(4096, 0, 0, 0), new LzmaCompressor(65536, 1, 0, 2),
                new LzmaCompressor(8192, 0, 2, 2));
        for (int i = 0; i < 6; i++) {
            LzmaCompressor other = others.get(i % others.size());
            other.compress(records(10 + i, 20_000 + 9_000 * i));
            other.forTrial().compressedSize(records(20 + i, 30_000));
        }
        assertArrayEquals(first, codec.compress(raw));
        assertEquals(firstTrial, codec.forTrial().compressedSize(raw));
    }

    @Test
    void encodingsOnSeveralThreadsAtOnceGiveTheSameOutput() {
        byte[] raw = records(2, 40_000);
        LzmaCompressor codec = new LzmaCompressor(8192, 0, 0, 0);
        byte[] expected = codec.compress(raw);
        IntStream.range(0, 32).parallel().forEach(i -> {
            assertArrayEquals(expected, codec.compress(raw), "encoding " + i);
            new LzmaCompressor(16384, 1, 0, 2).compress(records(30 + i, 10_000 + 1_000 * i));
        });
    }
}
