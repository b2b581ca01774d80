// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any chunking of the patch gives the same result: one byte at a time, random sizes, whole. */
class ChunkingTest {
    @Test
    void everyVectorAppliesIdenticallyForAnyChunkSize() throws Exception {
        for (Map.Entry<String, TestPatch> e : GoldenVectors.all().entrySet()) {
            TestPatch t = e.getValue();
            byte[] p = t.build();
            byte[] expected = t.newImage();
            for (int chunk : new int[] {1, 2, 3, 7, 28, 29, 255, 256, 257, p.length}) {
                assertArrayEquals(expected, Apply.apply(t.old, p, chunk, Apply.NO_LIMIT, new ByteArrayOutputStream()),
                        e.getKey() + " chunk " + chunk);
            }
        }
    }

    @Test
    void randomChunkBoundaries() throws Exception {
        TestPatch t = GoldenVectors.all().get("lzma-dict4096");
        byte[] p = t.build();
        Random random = new Random(0);
        for (int round = 0; round < 50; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var a = new PatchApplier(new ByteArrayOldImage(t.old),
                    out::write, Apply.NO_LIMIT);
            for (int off = 0; off < p.length; ) {
                int n = Math.min(p.length - off, random.nextInt(40));
                a.process(p, off, n);
                off += n;
            }
            a.finish();
            assertArrayEquals(t.newImage(), out.toByteArray(), "round " + round);
        }
    }
}
