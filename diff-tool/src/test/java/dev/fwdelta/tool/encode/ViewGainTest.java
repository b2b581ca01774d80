// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A view's gain, in full and on a sample, against the byte-by-byte definition. */
class ViewGainTest {
    @Test
    void fullAndSampledGainsCountTheBytesTheViewGetsRight() {
        Random rnd = new Random(7);
        int size = 40 * ViewGain.SAMPLE_WINDOW + 1234;
        ByteBuffer old = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        rnd.nextBytes(old.array());
        for (int p = 0; p + 4 <= size; p += 16) { // AArch64 BLs to anywhere in the image
            old.putInt(p, 0x9400_0000 | (rnd.nextInt(size) - p >> 2) & 0x3FF_FFFF);
        }
        RelocationMap map = new RelocationMap(0, RelocationMap.A64_BRANCH, new long[] {0, size / 2},
                new long[] {0, 64}, size);
        byte[] view = RelocatedOldImage.of(old.array(), map);
        byte[] neu = view.clone(); // the view is right, except where the new image changed more
        for (int i = 0; i < 3000; i++) {
            neu[rnd.nextInt(size)] ^= 1;
        }
        // two records: diff runs at old 0 / new 0 and old first / new first + 20 (extra bytes between)
        int first = size / 3;
        List<DeltaRecord> records = List.of(new DeltaRecord(new byte[first], new byte[20], 0),
                new DeltaRecord(new byte[size - first - 20], new byte[0], 0));
        long full = 0;
        long sample = 0;
        int[][] runs = {{0, 0, first}, {first, first + 20, size - first - 20}};
        for (int[] r : runs) {
            for (int i = 0; i < r[2]; i++) {
                int o = r[0] + i;
                int n = r[1] + i;
                int g = (view[o] == neu[n] ? 1 : 0) - (old.array()[o] == neu[n] ? 1 : 0);
                full += g;
                if (n / ViewGain.SAMPLE_WINDOW % ViewGain.SAMPLE_EVERY == 0) {
                    sample += g;
                }
            }
        }
        DiffRuns diffRuns = DiffRuns.of(records);
        assertTrue(sample > 0 && full > sample, full + " / " + sample);
        assertEquals(full, ViewGain.of(old.array(), view, neu, diffRuns));
        assertEquals(sample, ViewGain.sampled(old.array(), map, neu, diffRuns));
    }
}
