// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.bench.ImagePair;
import dev.fwdelta.bench.PairSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffVersusBsdiffTest {
    @Test
    void everyCorpusPairIsBenchmarkedOnTheBytesThePeersWereMeasuredOn() throws Exception {
        List<ImagePair> pairs = PairSource.fromCorpus(Path.of(System.getProperty("fwdelta.corpus")));
        assertEquals(11, pairs.size(), pairs.toString());
        ImagePair microbit = pairs.stream().filter(p -> p.name().equals("microbit-v2-7-8")).findFirst().orElseThrow();
        // the main flash region of the HEX file (corpus README: new size 520995), not its text
        assertEquals(520_995, PairSource.imageBytes(microbit.newPath()).length);
        ImagePair programmer = pairs.stream().filter(p -> p.name().equals("programmer")).findFirst().orElseThrow();
        assertEquals(Files.size(programmer.newPath()), PairSource.imageBytes(programmer.newPath()).length);
    }

    @Test
    void tableGivesMegabytesPerSecondOfNewImageAndTheRatio() {
        List<DiffVersusBsdiff.Row> rows = List.of(
                new DiffVersusBsdiff.Row("big", 4_000_000, 2.0, 2.0),   // 8 MB/s against 2 MB/s
                new DiffVersusBsdiff.Row("small", 100_000, 5.0, 0.1));  // 0.5 MB/s against 1 MB/s
        List<String> table = DiffVersusBsdiff.table(rows, 5);
        assertEquals("| big | 4000000 | 8.00 | 2.00 | 4.00 |", table.get(2));
        assertEquals("| small | 100000 | 0.50 | 1.00 | 0.50 |", table.get(3));
        assertTrue(table.get(5).contains("on 1 of 2 pairs"), table.get(5));
    }

    @Test
    void bsdiffIsTimedOnTheImagesAsWholeProcesses(@TempDir Path dir) throws Exception {
        byte[] old = new byte[20_000];
        byte[] neu = old.clone();
        neu[100] = 1;
        double seconds = DiffVersusBsdiff.bsdiffSeconds(old, neu, 3, dir);
        assertTrue(seconds > 0);
        // bsdiff wrote its patch of the images given (BSDIFF40 magic)
        assertEquals("BSDIFF40", new String(Files.readAllBytes(dir.resolve("patch.bsdiff")), 0, 8,
                StandardCharsets.US_ASCII));
    }
}
