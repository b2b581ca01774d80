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
        Comparator<Integer> bySuffix = (a, b) -> Arrays.compareUnsigned(t, a, t.length, t, b, t.length);
        Arrays.sort(idx, bySuffix);
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] t = new byte[length];
        new Random(seed).nextBytes(t);
        return t;
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

    @Test
    void oneAndTwoBytes() {
        for (int a : new int[] {0, 1, 0x7F, 0x80, 0xFF}) {
            check(new byte[] {(byte) a});
            for (int b : new int[] {0, 1, 0x7F, 0x80, 0xFF}) {
                check(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    @Test
    void everyByteValue() {
        byte[] up = new byte[256];
        byte[] down = new byte[256];
        for (int i = 0; i < 256; i++) {
            up[i] = (byte) i;
            down[i] = (byte) (255 - i);
        }
        check(up);
        check(down);
        byte[] twice = new byte[512];
        System.arraycopy(up, 0, twice, 0, 256);
        System.arraycopy(down, 0, twice, 256, 256);
        check(twice);
        byte[] shuffled = up.clone();
        Random r = new Random(1);
        for (int i = 255; i > 0; i--) {
            int j = r.nextInt(i + 1);
            byte x = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = x;
        }
        check(shuffled);
    }

    /** Erased flash: long runs of 0xFF (all L-type) and of 0x00 (all S-type) around code. */
    @Test
    void longRuns() {
        byte[] t = randomBytes(2, 3000);
        Arrays.fill(t, 200, 1400, (byte) 0xFF);
        Arrays.fill(t, 1500, 2600, (byte) 0);
        check(t);
        byte[] runs = new byte[2000];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = (byte) (i / 97 % 3 * 0x7F);
        }
        check(runs);
        byte[] ones = new byte[1000];
        Arrays.fill(ones, (byte) 0xFF);
        check(ones);
    }

    /** Few distinct LMS substrings: the reduced problem fits a byte and recurses, level after level. */
    @Test
    void periodicTextsRecurseOnBytes() {
        byte[] thueMorse = new byte[2048];
        for (int i = 0; i < thueMorse.length; i++) {
            thueMorse[i] = (byte) (Integer.bitCount(i) & 1);
        }
        check(thueMorse);
        byte[] nested = {'x'};
        while (nested.length < 1500) {
            byte[] next = new byte[2 * nested.length + 1];
            System.arraycopy(nested, 0, next, 0, nested.length);
            next[nested.length] = (byte) nested.length;
            System.arraycopy(nested, 0, next, nested.length + 1, nested.length);
            nested = next;
        }
        check(nested);
        byte[] mutated = new byte[1500];
        for (int i = 0; i < mutated.length; i++) {
            mutated[i] = (byte) "abd".charAt(i % 3);
        }
        mutated[700] = 'c';
        check(mutated);
    }

    /**
     * Many distinct LMS substrings, repeated: prefix doubling sorts the reduced problem, with
     * ties that last for many rounds, in groups of two, three and ten suffixes.
     */
    @Test
    void repeatedBlocksSortByDoubling() {
        for (int copies : new int[] {2, 3, 10}) {
            byte[] block = randomBytes(copies, 1000);
            byte[] t = new byte[block.length * copies + 7];
            for (int c = 0; c < copies; c++) {
                System.arraycopy(block, 0, t, c * block.length, block.length);
            }
            t[t.length - 3] = 5;
            check(t);
        }
    }

    /** Firmware-like: every LMS substring nearly unique, so the reduced problem is mostly sorted at once. */
    @Test
    void nearlyUniqueText() {
        byte[] t = randomBytes(4, 4000);
        System.arraycopy(t, 100, t, 3000, 300);
        check(t);
    }
}
