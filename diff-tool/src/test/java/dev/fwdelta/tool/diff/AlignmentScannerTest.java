// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.Corpus;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlignmentScannerTest {
    /** Applies records the way FORMAT.md 2.2 says, checking every position it reads. */
    static byte[] apply(byte[] old, List<DeltaRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long o = 0;
        for (DeltaRecord r : records) {
            for (byte d : r.diff()) {
                assertTrue(o >= 0 && o < old.length, "diff reads old[" + o + "]");
                out.write(old[(int) o++] + d);
            }
            out.writeBytes(r.extra());
            o += r.seek();
            assertTrue(o >= 0 && o <= old.length, "seek lands at " + o);
        }
        return out.toByteArray();
    }

    /** The longest match by brute force, to check the suffix-array search against. */
    private static int longestMatch(byte[] old, byte[] neu, int at) {
        int best = 0;
        for (int p = 0; p < old.length; p++) {
            int l = 0;
            while (p + l < old.length && at + l < neu.length && old[p + l] == neu[at + l]) {
                l++;
            }
            best = Math.max(best, l);
        }
        return best;
    }

    @Test
    void searchFindsTheLongestMatchAndWhereItIs() {
        Random rnd = new Random(11);
        for (int round = 0; round < 40; round++) {
            byte[] old = new byte[1 + rnd.nextInt(400)];
            for (int i = 0; i < old.length; i++) {
                old[i] = (byte) rnd.nextInt(3 + round % 5);
            }
            byte[] neu = new byte[1 + rnd.nextInt(200)];
            for (int i = 0; i < neu.length; i++) {
                neu[i] = (byte) rnd.nextInt(3 + round % 5);
            }
            SuffixArrayIndex index = SuffixArrayIndex.of(old);
            int[] pos = new int[1];
            for (int at = 0; at < neu.length; at++) {
                int len = index.longest(neu, at, neu.length, -1, pos);
                assertEquals(longestMatch(old, neu, at), len, "round " + round + " at " + at);
                assertEquals(Arrays.compare(old, pos[0], pos[0] + len, neu, at, at + len), 0, "match position");
            }
        }
    }

    @Test
    void hashIndexFindsRealMatchesAtLeastAsLongAsTheHintsAndFindsMovedCode() {
        Random rnd = new Random(12);
        byte[] old = new byte[200_000];
        rnd.nextBytes(old);
        byte[] neu = new byte[50_000];
        System.arraycopy(old, 120_000, neu, 0, neu.length); // moved far from where the hint points
        for (int i = 0; i < 100; i++) {
            neu[rnd.nextInt(neu.length)] ^= 0x5A;
        }
        HashIndex index = HashIndex.of(old);
        int[] pos = new int[1];
        int foundMoved = 0;
        for (int at = 0; at < neu.length; at += 7) {
            int hint = rnd.nextInt(old.length + 20) - 10; // outside the image now and then
            int len = index.longest(neu, at, neu.length, hint, pos);
            assertEquals(0, Arrays.compare(old, pos[0], pos[0] + len, neu, at, at + len), "a real match at " + at);
            assertTrue(len >= MatchIndex.matchLength(old, hint, neu, at, neu.length), "the hint's match at " + at);
            if (pos[0] == at + 120_000 && len >= HashIndex.KEY_BYTES) {
                foundMoved++;
            }
        }
        // A slot keeps one position (the first of those hashed there, and the table has fewer
        // slots than the image has positions), so the moved copy is found at some positions,
        // not all: here about a third. The scan needs one to take up the new alignment.
        assertTrue(foundMoved > neu.length / 7 / 4, "found the moved code at " + foundMoved + " positions");
    }

    @Test
    void recordsRebuildEditedImagesAcrossSegments() {
        Random rnd = new Random(5);
        byte[] old = new byte[3 * AlignmentScanner.SEGMENT_BYTES + 1234];
        rnd.nextBytes(old);
        // Inserts, deletions, a moved block and scattered byte changes: every record shape.
        ByteArrayOutputStream edit = new ByteArrayOutputStream();
        edit.write(old, 0, 100_000);
        byte[] inserted = new byte[777];
        rnd.nextBytes(inserted);
        edit.writeBytes(inserted);
        edit.write(old, 300_000, 200_000);
        edit.write(old, 100_000, 150_000);
        edit.write(old, 500_000, old.length - 500_000);
        byte[] neu = edit.toByteArray();
        for (int i = 0; i < 500; i++) {
            neu[rnd.nextInt(neu.length)] ^= 1 + rnd.nextInt(255);
        }
        for (MatchIndex index : List.of(SuffixArrayIndex.of(old), HashIndex.of(old))) {
            List<DeltaRecord> records = AlignmentScanner.diff(index, neu, AlignmentScanner.NEW_ALIGNMENT_MARGIN);
            assertArrayEquals(neu, apply(old, records), index.getClass().getSimpleName());
            long extra = records.stream().mapToLong(r -> r.extra().length).sum();
            // Either index must find the moved parts: little more than the inserted bytes is extra.
            assertTrue(extra < 4 * inserted.length, index.getClass().getSimpleName() + ": extra bytes " + extra);
        }
    }

    @Test
    void edgeCasesRebuild() {
        byte[] some = "firmware image bytes".getBytes();
        assertArrayEquals(some, apply(new byte[0], AlignmentScanner.diff(new byte[0], some)));
        assertArrayEquals(new byte[0], apply(some, AlignmentScanner.diff(some, new byte[0])));
        assertArrayEquals(some, apply(some, AlignmentScanner.diff(some, some)));
        byte[] zeros = new byte[AlignmentScanner.SEGMENT_BYTES * 2 + 3];
        assertArrayEquals(zeros, apply(new byte[10], AlignmentScanner.diff(new byte[10], zeros)));
        // the hash index on images shorter than its 8-byte key, and empty ones
        for (byte[] old : new byte[][] {new byte[0], new byte[3], some}) {
            assertArrayEquals(some, apply(old, AlignmentScanner.diff(HashIndex.of(old), some, 8)));
            assertArrayEquals(zeros, apply(old, AlignmentScanner.diff(HashIndex.of(old), zeros, 8)));
        }
    }

    @Test
    void recordsRebuildEveryCorpusPair() {
        for (Corpus.Pair pair : Corpus.pairs()) {
            byte[] old = pair.oldBytes();
            byte[] neu = pair.newBytes();
            assertArrayEquals(neu, apply(old, AlignmentScanner.diff(old, neu)), pair.name());
            assertArrayEquals(neu, apply(old, AlignmentScanner.diff(HashIndex.of(old), neu,
                    AlignmentScanner.NEW_ALIGNMENT_MARGIN)), pair.name() + ", hash index");
        }
    }
}
