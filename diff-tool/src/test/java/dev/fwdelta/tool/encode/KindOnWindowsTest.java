// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The judge codec's record kind is chosen on the windows of the image (TrialRanking.kindsOnWindows):
 * the kind it keeps must be the one whole trials put smallest, and a diff too short to cut keeps both.
 */
class KindOnWindowsTest {
    private static final LzmaCompressor CODEC = new LzmaCompressor(8192, 0, 0, 0);

    /**
     * An image with one changed byte every {@code every} bytes, each by a random amount or all by
     * the same one (a table of pointers moved): the two kinds then come out in either order.
     */
    private static List<DeltaRecord> changes(int length, int every, boolean sameAmount) {
        Random r = new Random(5);
        byte[] old = new byte[length];
        r.nextBytes(old);
        byte[] neu = old.clone();
        for (int i = every / 2; i < length; i += every) {
            neu[i] += (byte) (sameAmount ? 0x10 : 1 + r.nextInt(255));
        }
        return AlignmentScanner.diff(old, neu);
    }

    private static List<Trial> bothKinds(List<DeltaRecord> records) {
        return List.of(
                new Trial(RecordBlocker.split(records, BuildOptions.DEFAULT_MAX_BLOCK_RAW, false), false, CODEC),
                new Trial(RecordBlocker.split(records, BuildOptions.DEFAULT_MAX_BLOCK_RAW, true), true, CODEC));
    }

    private static Function<Trial, List<RawBlock>> windowsOf(List<DeltaRecord> records, int length) {
        List<DeltaRecord> cut = TrialWindows.cut(records, length);
        return t -> RecordBlocker.split(cut, BuildOptions.DEFAULT_MAX_BLOCK_RAW, t.sparse());
    }

    /** Whatever the windows keep, the kind whole trials put smallest is among it. */
    @ParameterizedTest
    @CsvSource({"400000, 64, false", "400000, 4, true", "400000, 3, false", "2000000, 64, false",
        "2000000, 4, true", "2000000, 16, true"})
    void theKindWholeTrialsPutSmallestIsKept(int length, int every, boolean sameAmount) {
        List<DeltaRecord> records = changes(length, every, sameAmount);
        List<Trial> trials = bothKinds(records);
        assertTrue(trials.get(0).rawBytes() >= TrialWindows.FROM_RAW_BYTES, "long enough to be cut");
        long plain = trials.get(0).fastSize();
        long sparse = trials.get(1).fastSize();
        List<Integer> kept = TrialRanking.kindsOnWindows(trials, List.of(0, 1), windowsOf(records, length));
        assertTrue(kept.contains(sparse < plain ? 1 : 0), "kept " + kept + ": sparse " + sparse + ", plain " + plain);
    }

    /** A long diff whose kinds are far apart is tried whole with one kind only. */
    @Test
    void kindsFarApartAreDecidedOnTheWindows() {
        int length = 2_000_000;
        List<DeltaRecord> records = changes(length, 64, false);
        List<Trial> trials = bothKinds(records);
        assertEquals(List.of(1), TrialRanking.kindsOnWindows(trials, List.of(0, 1), windowsOf(records, length)),
                "sparse " + trials.get(1).fastSize() + ", plain " + trials.get(0).fastSize());
    }

    @Test
    void aDiffTooShortToCutKeepsBothKinds() {
        int length = 20_000;
        List<DeltaRecord> records = changes(length, 64, false);
        List<Trial> trials = bothKinds(records);
        assertTrue(trials.get(1).rawBytes() < TrialWindows.FROM_RAW_BYTES, "short: " + trials.get(1).rawBytes());
        assertEquals(List.of(0, 1), TrialRanking.kindsOnWindows(trials, List.of(0, 1), windowsOf(records, length)));
    }
}
