// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SuffixArrayTest {
    /** The obvious O(n^2 log n) order: empty suffix first, then unsigned lexicographic. */
    private static int[] naive(byte[] t) {
        Integer[] idx = IntStream.rangeClosed(0, t.length).boxed().toArray(Integer[]::new);
        Arrays.sort(idx, Comparator.comparing(i -> Arrays.copyOfRange(t, i, t.length), Arrays::compareUnsigned));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static void check(byte[] t) {
        assertArrayEquals(naive(t), SuffixArray.bsdiffOrder(t), () -> "text " + Arrays.toString(t));
    }

    @Test
    void smallCases() {
        check(new byte[0]);
        check(new byte[] {7});
        check(new byte[] {(byte) 0xFF, 0, (byte) 0x80, 0x7F});
        check("banana".getBytes());
        check("mississippi".getBytes());
        check("abracadabra".getBytes());
    }

    @Test
    void repetitiveTextsRecurse() {
        check(new byte[300]);
        byte[] period = new byte[500];
        for (int i = 0; i < period.length; i++) {
            period[i] = (byte) "abcab".charAt(i % 5);
        }
        check(period);
        byte[] fib = "a".getBytes();
        byte[] prev = "b".getBytes();
        while (fib.length < 400) {
            byte[] next = new byte[fib.length + prev.length];
            System.arraycopy(fib, 0, next, 0, fib.length);
            System.arraycopy(prev, 0, next, fib.length, prev.length);
            prev = fib;
            fib = next;
        }
        check(fib);
    }

    @Test
    void randomTextsOverSmallAndFullAlphabets() {
        Random r = new Random(0);
        for (int round = 0; round < 200; round++) {
            byte[] t = new byte[r.nextInt(300)];
            int alphabet = round % 2 == 0 ? 2 + r.nextInt(3) : 256;
            for (int i = 0; i < t.length; i++) {
                t[i] = (byte) (r.nextInt(alphabet) * (256 / alphabet) - 128);
            }
            check(t);
        }
    }
}
