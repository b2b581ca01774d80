// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedFile#readAtMost}: an input of the limit's length is read whole, and one without end
 * is given up after exactly one byte past the limit, however its reads come (one byte at a time too).
 */
class BoundedReadTest {
    /** An input without end that counts the bytes taken from it, {@code step} at most per read. */
    private static final class Endless extends InputStream {
        private final int step;
        long taken;

        Endless(int step) {
            this.step = step;
        }

        @Override
        public int read() {
            taken++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, step);
            taken += n;
            return n;
        }
    }

    @Test
    void anInputWithoutEndIsReadOneBytePastTheLimit() throws Exception {
        for (int step : new int[] {1, 1000, 1 << 20}) {
            for (long limit : new long[] {0, 1, 65535, 65536, 65537, 200_000}) {
                Endless in = new Endless(step);
                assertFalse(BoundedFile.readAtMost(in, limit).isPresent(), limit + " / " + step);
                assertEquals(limit + 1, in.taken, "bytes read, limit " + limit + ", step " + step);
            }
        }
    }

    @Test
    void anInputOfTheLimitsLengthIsReadWhole() throws Exception {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        for (int length : new int[] {0, 1, 65535, 65536, 65537, 200_000}) {
            byte[] expected = Arrays.copyOf(data, length);
            for (long limit : new long[] {length, length + 1L}) {
                Optional<byte[]> read = BoundedFile.readAtMost(new ByteArrayInputStream(expected), limit);
                assertArrayEquals(expected, read.orElseThrow(), length + " bytes, limit " + limit);
            }
            if (length > 0) {
                assertFalse(BoundedFile.readAtMost(new ByteArrayInputStream(expected), length - 1L).isPresent(),
                        length + " bytes, limit " + (length - 1));
            }
        }
    }
}
