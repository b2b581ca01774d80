// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.diff.AlignmentScanner.Run;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostlyCoverDropperTest {
    private static final Random RND = new Random(19);
    private static final byte[] OLD = random(4096);

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RND.nextBytes(b);
        return b;
    }

    /** New image: old[0, 1000), then 40 bytes at 1000 taken from {@code middle}, then 10 random bytes. */
    private static byte[] newImage(byte[] middle) {
        byte[] neu = new byte[1050];
        System.arraycopy(OLD, 0, neu, 0, 1000);
        System.arraycopy(middle, 0, neu, 1000, 40);
        System.arraycopy(random(10), 0, neu, 1040, 10);
        return neu;
    }

    /** The scan's runs for {@link #newImage}: a cover of old[0, 1000), then a cover of old[2000, 2040). */
    private static final List<Run> RUNS = List.of(new Run(0, 0, 1000, 0), new Run(1000, 2000, 40, 10));

    @Test
    void aCoverOfMostlyChangedBytesBecomesExtraBytesOfTheRecordBefore() {
        byte[] middle = random(40); // unlike old[2000, 2040) but in a byte or so by chance
        byte[] neu = newImage(middle);
        List<Run> kept = CostlyCoverDropper.drop(RUNS, OLD, neu);
        assertEquals(List.of(new Run(0, 0, 1000, 50)), kept);
        assertArrayEquals(neu, AlignmentScannerTest.apply(OLD, AlignmentScanner.toRecords(kept, OLD, neu)));
    }

    @Test
    void aCoverOfEqualBytesIsKept() {
        byte[] middle = Arrays.copyOfRange(OLD, 2000, 2040);
        middle[7] ^= 1; // a few changed bytes cost less than 40 extra bytes
        middle[30] ^= 1;
        byte[] neu = newImage(middle);
        assertEquals(RUNS, CostlyCoverDropper.drop(RUNS, OLD, neu));
    }

    @Test
    void theBoundaryIsTheRecordAndTheChangedBytesAgainstTheExtraBytes() {
        // Half the bytes changed, in 10 stretches of 2: 20 * 7 + 10 * 12 + 20 * 0.05 + 48 = 309 bits
        // against 40 * 6.5 = 260: dropped. With a quarter changed (5 stretches): 70 + 60 + 1.5 + 48 =
        // 179.5 bits: kept.
        byte[] half = Arrays.copyOfRange(OLD, 2000, 2040);
        byte[] quarter = half.clone();
        for (int i = 0; i < 40; i += 4) {
            half[i] ^= 1;
            half[i + 1] ^= 1;
            if (i % 8 == 0) {
                quarter[i] ^= 1;
                quarter[i + 1] ^= 1;
            }
        }
        assertEquals(1, CostlyCoverDropper.drop(RUNS, OLD, newImage(half)).size());
        assertEquals(2, CostlyCoverDropper.drop(RUNS, OLD, newImage(quarter)).size());
        assertTrue(CostlyCoverDropper.coverBits(OLD, 2000, newImage(half), 1000, 40) + CostlyCoverDropper.RECORD_BITS
                > 40 * CostlyCoverDropper.EXTRA_BYTE_BITS);
    }

    @Test
    void aRunWithoutDiffBytesJoinsTheRunBeforeAndTheFirstRunAlwaysStays() {
        byte[] neu = random(100);
        List<Run> runs = List.of(new Run(0, 500, 30, 10), new Run(40, 0, 0, 60));
        List<Run> kept = CostlyCoverDropper.drop(runs, OLD, neu);
        assertEquals(List.of(new Run(0, 500, 30, 70)), kept); // the first cover is costly, but has nothing before it
        assertArrayEquals(neu, AlignmentScannerTest.apply(OLD, AlignmentScanner.toRecords(kept, OLD, neu)));
    }
}
