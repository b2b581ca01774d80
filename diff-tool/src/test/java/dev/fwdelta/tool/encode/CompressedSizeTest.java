// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.diff.AlignmentScanner;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trials count a codec's output without laying it out; the count must be the output's size. */
class CompressedSizeTest {
    private static List<RawBlock> blocks(boolean sparse) {
        Random r = new Random(3);
        byte[] old = new byte[40_000];
        r.nextBytes(old);
        byte[] neu = old.clone();
        for (int i = 0; i < 4000; i++) {
            neu[r.nextInt(neu.length)] ^= (byte) (1 + r.nextInt(255));
        }
        System.arraycopy(old, 1000, neu, 20_000, 3000); // moved code
        return RecordBlocker.split(AlignmentScanner.diff(old, neu), 4096, sparse);
    }

    @Test
    void countedSizesAreTheOutputsSizes() {
        List<BlockCompressor> codecs = CodecCandidates.within(16 * 1024, null);
        assertTrue(codecs.stream().anyMatch(c -> c instanceof SplitCompressor), "split among " + codecs);
        for (boolean sparse : new boolean[] {false, true}) {
            List<RawBlock> blocks = blocks(sparse);
            assertTrue(blocks.size() > 1, "more than one block");
            for (BlockCompressor c : codecs) {
                for (BlockCompressor mode : List.of(c, c.forTrial())) {
                    for (RawBlock b : blocks) {
                        assertEquals(mode.compress(b.records()).length, mode.compressedSize(b.records()),
                                () -> mode.describe() + (sparse ? ", sparse" : ""));
                    }
                }
            }
        }
    }
}
