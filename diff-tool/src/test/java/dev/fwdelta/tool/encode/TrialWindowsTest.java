// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import dev.fwdelta.tool.diff.SuffixArrayIndex;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialWindowsTest {
    /** A byte that says where in the new image it stands. */
    private static byte at(long position) {
        return (byte) (position % 251);
    }

    private static byte[] bytesFrom(long from, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(from + i);
        }
        return b;
    }

    @Test
    void theCutKeepsTheBytesInsideTheFourWindowsAndNothingElse() {
        // 1,600 new bytes: windows of 100 at 150, 550, 950 and 1,350 (the middle of each quarter)
        int[][] shapes = {{120, 40}, {300, 0}, {10, 500}, {0, 30}, {400, 200}};
        List<DeltaRecord> records = new ArrayList<>();
        long position = 0;
        for (int i = 0; i < shapes.length; i++) {
            byte[] diff = bytesFrom(position, shapes[i][0]);
            byte[] extra = bytesFrom(position + diff.length, shapes[i][1]);
            records.add(new DeltaRecord(diff, extra, 1000 + i));
            position += diff.length + extra.length;
        }
        assertEquals(1600, position);
        List<DeltaRecord> cut = TrialWindows.cut(records, 1600);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        cut.forEach(r -> {
            kept.writeBytes(r.diff());
            kept.writeBytes(r.extra());
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (long start : List.of(150L, 550L, 950L, 1350L)) {
            expected.writeBytes(bytesFrom(start, 100));
        }
        assertArrayEquals(expected.toByteArray(), kept.toByteArray());
        // Pieces: 150..160 (record 0's end), 160..250, 550..650, 950..970 (record 2's end),
        // 970..1000 (record 3, whole), 1000..1050 and 1350..1450: a piece keeps its record's seek
        // only where the record ends in it.
        assertEquals(List.of(1000L, 0L, 0L, 1002L, 1003L, 0L, 0L), cut.stream().map(DeltaRecord::seek).toList());
    }

    @Test
    void aViewOnTheWindowsIsEstimatedCloseToItsWholeTrial() {
        // The premise of the scales: the plain diff's whole/windowed ratio holds for another diff
        // of the same image (here the plain diff at margin 4, scaled from margin 12's).
        Corpus.Pair pair = Corpus.pair("esp8266");
        SuffixArrayIndex index = SuffixArrayIndex.of(pair.oldBytes());
        List<DeltaRecord> widest = AlignmentScanner.diff(index, pair.newBytes(), 12);
        List<DeltaRecord> narrow = AlignmentScanner.diff(index, pair.newBytes(), 4);
        SplitCompressor split = new SplitCompressor(5632, 0, 0, 0);
        Trial whole12 = new Trial(RecordBlocker.split(widest, split.maxBlockRaw(BuildOptions.DEFAULT_MAX_BLOCK_RAW), true),
                true, split);
        Map<Codec, Double> scales = TrialWindows.scales(widest, List.of(new Finalist(whole12, null, whole12.fastSize())),
                pair.newBytes().length, BuildOptions.defaults());
        double scale = scales.get(Codec.SPLIT);
        List<RawBlock> blocks = RecordBlocker.split(narrow, split.maxBlockRaw(BuildOptions.DEFAULT_MAX_BLOCK_RAW), true);
        List<RawBlock> windows = RecordBlocker.split(TrialWindows.cut(narrow, pair.newBytes().length),
                split.maxBlockRaw(BuildOptions.DEFAULT_MAX_BLOCK_RAW), true);
        long whole = new Trial(blocks, true, split).fastSize();
        long estimate = new Trial(blocks, true, split, windows, scale).fastSize();
        assertTrue(Math.abs(estimate - whole) < whole * 0.03, "estimate " + estimate + ", whole " + whole
                + ", scale " + scale);
    }
}
