// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device computes the relocated view chunk by chunk with a small window; the view must be the
 * same as docs/FORMAT.md 2.3 defines it for the whole image at once ({@link TestPatch#view()},
 * written from the text). Images dense with references of every kind, maps with odd and negative
 * shifts, every transform combination, chunks of any size at any offset.
 */
class RelocatedViewTest {
    private static final int SIZE = 6000;

    @Test
    void chunkedViewEqualsTheSpecificationsView() throws Exception {
        Random rnd = new Random(20261122);
        int reaimedBy = 0; // single transforms that changed some byte
        for (int round = 0; round < 3 * RelocationMap.KNOWN_TRANSFORMS; round++) {
            long base = rnd.nextBoolean() ? 0 : rnd.nextInt(1 << 20) * 16L;
            TestPatch t = new TestPatch(referenceDenseImage(rnd, base));
            t.imageBase = base;
            t.transforms = 1 + round % RelocationMap.KNOWN_TRANSFORMS; // every combination, three times
            t.map = randomMap(rnd);
            byte[] expected = t.view();
            long[] starts = new long[t.map.length];
            long[] shifts = new long[t.map.length];
            for (int i = 0; i < t.map.length; i++) {
                starts[i] = t.map[i][0];
                shifts[i] = t.map[i][1];
            }
            RelocationMap map = new RelocationMap(t.imageBase, t.transforms, starts, shifts, SIZE);
            RelocatedOldImage view = new RelocatedOldImage(new ByteArrayOldImage(t.old), map);
            byte[] whole = new byte[SIZE];
            byte[] inMemory = new byte[SIZE]; // the builder's way: parts of the image in memory
            for (int off = 0; off < SIZE; ) {
                int len = Math.min(SIZE - off, 1 + rnd.nextInt(rnd.nextBoolean() ? 7 : 700));
                view.read(off, whole, off, len);
                RelocatedOldImage.viewOf(t.old, map, off, len, inMemory, off);
                off += len;
            }
            assertArrayEquals(expected, whole, "round " + round + ", transforms " + t.transforms);
            assertArrayEquals(expected, inMemory, "in memory, round " + round + ", transforms " + t.transforms);
            assertArrayEquals(expected, RelocatedOldImage.of(t.old, map), "whole, round " + round);
            if (Integer.bitCount(t.transforms) == 1 && Arrays.mismatch(expected, t.old) >= 0) {
                reaimedBy |= t.transforms;
            }
        }
        assertTrue(reaimedBy == RelocationMap.KNOWN_TRANSFORMS, "a transform never re-aimed anything: "
                + Integer.toBinaryString(reaimedBy));
    }

    /**
     * Random words, a third of them references: B/BL, ADRP with partners, pointers, Thumb BL,
     * Xtensa calls (at any byte offset) to a function start, or to none.
     */
    private static byte[] referenceDenseImage(Random rnd, long base) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        rnd.nextBytes(b.array());
        for (int p = 0; p + 16 <= SIZE; p += 4 * (1 + rnd.nextInt(3))) {
            int reg = rnd.nextInt(4);
            long target = rnd.nextInt(SIZE + 100) - 50; // references mostly land inside the image
            switch (rnd.nextInt(8)) {
                case 0 -> b.putInt(p, (rnd.nextBoolean() ? 0x9400_0000 : 0x1400_0000) | (int) (target - p >> 2) & 0x3FF_FFFF);
                case 1 -> {
                    long pages = (base + target >> 12) - (base + p >> 12);
                    b.putInt(p, 0x9000_0000 | (int) (pages & 3) << 29 | (int) (pages >> 2 & 0x7FFFF) << 5 | reg);
                }
                case 2 -> b.putInt(p, 0x9100_0000 | rnd.nextInt(1 << 12) << 10 | reg << 5 | rnd.nextInt(32));
                case 3 -> b.putInt(p, 0x3900_0000 | rnd.nextInt(4) << 30 | rnd.nextInt(2) << 26 | rnd.nextInt(4) << 22
                        | rnd.nextInt(1 << 12) << 10 | reg << 5 | rnd.nextInt(32));
                case 4 -> b.putLong(p & ~7, base + target);
                case 5 -> b.putInt(p, (int) (base + target));
                case 7 -> {
                    int q = p + rnd.nextInt(4);
                    long aligned = target & ~3;
                    int call = 0x05 | rnd.nextInt(4) << 4 | (int) ((aligned - 4 - (q & ~3)) / 4 & 0x3FFFF) << 6;
                    b.put(q, (byte) call).put(q + 1, (byte) (call >> 8)).put(q + 2, (byte) (call >> 16));
                    if (aligned >= 0 && aligned + 2 <= SIZE && rnd.nextInt(4) > 0) {
                        // a call0 frame or a windowed ENTRY; a quarter of the calls aim at neither
                        boolean entry = rnd.nextBoolean();
                        b.put((int) aligned, (byte) (entry ? 0x36 : 0x12))
                                .put((int) aligned + 1, (byte) (entry ? 0x01 | rnd.nextInt(16) << 4 : 0xC1));
                    }
                }
                default -> {
                    int q = p + 2 * rnd.nextInt(2);
                    int halfwords = (int) (target - (q + 4)) >> 1;
                    b.putInt(q, 0xF800_F000 | (halfwords & 0x7FF) << 16 | (halfwords >> 11 & 0x7FF));
                }
            }
        }
        return b.array();
    }

    private static long[][] randomMap(Random rnd) {
        int entries = 1 + rnd.nextInt(12);
        long[][] map = new long[entries][];
        long start = rnd.nextInt(64);
        for (int i = 0; i < entries; i++) {
            map[i] = new long[] {start, rnd.nextInt(9000) - 4500};
            start += 1 + rnd.nextInt(2 * SIZE / entries);
            if (start >= SIZE) {
                return Arrays.copyOf(map, i + 1);
            }
        }
        return map;
    }

    /** The device reads the view chunk after chunk: that must not allocate (RAM is the window, counted once). */
    @Test
    void readingTheViewAllocatesNothingPerChunk() throws Exception {
        Random rnd = new Random(7);
        TestPatch t = new TestPatch(referenceDenseImage(rnd, 0));
        RelocatedOldImage view = new RelocatedOldImage(new ByteArrayOldImage(t.old),
                new RelocationMap(0, RelocationMap.KNOWN_TRANSFORMS, new long[] {0, 3000}, new long[] {0, 12}, SIZE));
        byte[] chunk = new byte[256];
        long fewest = AllocationMeter.smallest(() -> () -> {
            for (int pass = 0; pass < 10; pass++) {
                for (int off = 0; off + chunk.length <= SIZE; off += chunk.length) {
                    view.read(off, chunk, 0, chunk.length);
                }
            }
        })[0];
        assertTrue(fewest < 1024, "reading 230 chunks allocated " + fewest + " bytes");
    }

    /** docs/FORMAT.md 4: the applier's fixed 1024 bytes hold its buffers, the view's window included. */
    @Test
    void theWindowFitsTheApplierBaseRam() {
        // the block-header buffer holds either version's: 28 bytes, or format 3's up to 34
        int buffers = Limits.HEADER_SIZE + Math.max(Limits.BLOCK_HEADER_SIZE, Limits.MAX_COMPACT_BLOCK_HEADER_SIZE)
                + Limits.OLD_READ_BUFFER + RelocatedOldImage.WINDOW_BYTES;
        assertTrue(RelocatedOldImage.WINDOW_BYTES == 328, "FORMAT.md and README state a 328-byte window");
        assertTrue(buffers <= Limits.APPLIER_BASE_RAM - 64, buffers + " bytes of buffers leave too little for state");
    }
}
