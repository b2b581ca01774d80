// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The runs a pass reads in parts are the runs it would read in one go, each once. */
class DiffRunsTest {
    @Test
    void partsVisitEveryRunOnceWhereTheRecordsPutIt() {
        Random rnd = new Random(11);
        for (int n : new int[] {0, 1, 2, 3, 17, 400}) {
            List<DeltaRecord> records = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            long oldPos = 0;
            long newPos = 0;
            for (int i = 0; i < n; i++) {
                int diff = rnd.nextInt(i % 5 == 0 ? 5000 : 50);
                int extra = rnd.nextInt(20);
                int seek = rnd.nextInt(41) - 20;
                records.add(new DeltaRecord(new byte[diff], new byte[extra], seek));
                expected.add(oldPos + "/" + newPos + "/" + diff);
                oldPos += diff + seek;
                newPos += diff + extra;
            }
            DiffRuns runs = DiffRuns.of(records);
            assertEquals(expected, runs.scan(new ArrayList<String>(), DiffRunsTest::note), "in one go, " + n);
            List<String> inParts = new ArrayList<>();
            runs.scanInParts(ArrayList<String>::new, DiffRunsTest::note).forEach(inParts::addAll);
            assertEquals(expected, inParts, "in parts, " + n);
        }
    }

    private static void note(List<String> part, long oldPos, long newPos, int length) {
        part.add(oldPos + "/" + newPos + "/" + length);
    }
}
