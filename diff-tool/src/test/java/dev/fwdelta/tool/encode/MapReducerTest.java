// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapReducerTest {
    private static List<long[]> entries(long[]... e) {
        return List.of(e);
    }

    @Test
    void droppingAnEntryBetweenTwoOfTheSameShiftMergesThem() {
        // shift 4 interrupted by a light entry of shift 0: dropping it leaves 4 running on, so the
        // second 4-entry goes too and the heavy entry of shift 9 stays
        List<long[]> e = entries(new long[] {0, 4, 100}, new long[] {100, 0, 5}, new long[] {110, 4, 50},
                new long[] {200, 9, 60});
        RelocationMap m = MapReducer.reduce(e, 1000, 2);
        assertArrayEquals(new long[] {0, 200}, m.starts());
        assertArrayEquals(new long[] {4, 9}, m.shifts());
        // with three slots the merge still needs only two; keeping the heaviest spends the third
        // on the second 4-entry, which predicts nothing the first would not
        assertArrayEquals(new long[] {0, 200}, MapReducer.reduce(e, 1000, 3).starts());
        assertArrayEquals(new long[] {0, 110, 200}, MapReducer.heaviest(e, 1000, 3).starts());
        assertArrayEquals(new long[] {0, 100, 110, 200}, MapReducer.reduce(e, 1000, 4).starts());
    }

    @Test
    void theLightestEntriesGoFirstAndTiesGoToTheEarlierOne() {
        List<long[]> e = entries(new long[] {0, 1, 10}, new long[] {10, 2, 3}, new long[] {20, 3, 3},
                new long[] {30, 4, 7});
        assertArrayEquals(new long[] {0, 20, 30}, MapReducer.reduce(e, 100, 3).starts());
        assertArrayEquals(new long[] {0, 30}, MapReducer.reduce(e, 100, 2).starts());
        assertArrayEquals(new long[] {0}, MapReducer.reduce(e, 100, 1).starts());
        assertNull(MapReducer.reduce(List.of(), 100, 3));
    }
}
