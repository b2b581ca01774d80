// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuffixArrayShapesTest {
    @Test
    void aRepeatedBlockHasItsPeriodAndNoShorterOne() {
        byte[] t = SuffixArrayShapes.text("repeat-1000", 10_000);
        for (int i = 1000; i < t.length; i++) {
            assertEquals(t[i - 1000], t[i], "byte " + i);
        }
        assertEquals(false, Arrays.equals(t, 0, 500, t, 500, 1000), "the block is not itself periodic");
    }

    @Test
    void randomBytesTakeManyValuesAndZerosOne() {
        Set<Byte> values = new HashSet<>();
        for (byte b : SuffixArrayShapes.text("random", 4096)) {
            values.add(b);
        }
        assertEquals(true, values.size() > 200, values.size() + " values");
        assertArrayEquals(new byte[64], SuffixArrayShapes.text("zeros", 64));
    }

    @Test
    void theSameShapeGivesTheSameBytesAndAnUnknownOneIsRefused() {
        assertArrayEquals(SuffixArrayShapes.text("repeat-16", 256), SuffixArrayShapes.text("repeat-16", 256));
        assertThrows(IllegalArgumentException.class, () -> SuffixArrayShapes.text("sorted", 16));
    }
}
