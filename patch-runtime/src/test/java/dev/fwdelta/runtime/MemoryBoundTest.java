// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The applier's heap use does not grow with the image: the bytes it allocates for a 32x larger
 * image (and 32x more blocks) are the same within a small margin, and stay near decoder_ram.
 */
class MemoryBoundTest {
    /** JVM object headers, the SHA-256/CRC objects and the parsed header: not part of decoder_ram. */
    private static final long JVM_OVERHEAD = 8 * 1024;

    private static TestPatch patch(int kib) {
        return patch(kib, 1);
    }

    /** Format 3 writes kind-1 (sparse) records and varint block headers: the same bound holds. */
    private static TestPatch patch(int kib, int version) {
        return patch(kib, version, 2);
    }

    private static TestPatch patch(int kib, int version, int codecId) {
        TestPatch t = new TestPatch(TestPatch.bytes(11, kib * 1024));
        t.version = version;
        t.sparse = version == 3;
        t.codecId = codecId;
        t.codecProps = (2 * 5) * 9; // lc0 lp0 pb2
        t.codecWindow = 8192;
        t.maxBlockRaw = 40_000;
        t.compressor = codecId == 3 ? raw -> TestSplitCodec.split(raw, 8192, 0, 0, 2)
                : raw -> TestCodecs.lzma(raw, 8192, 0, 0, 2);
        for (int off = 0; off < kib * 1024; off += 32 * 1024) {
            t.block().add(new TestPatch.Rec(TestPatch.diff(32 * 1024, 97), TestPatch.bytes(off, 16), 0));
        }
        return t;
    }

    private static long allocatedDuringApply(TestPatch t, byte[] p) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteArrayOldImage old = new ByteArrayOldImage(t.old);
        long before = mx.getCurrentThreadAllocatedBytes();
        PatchApplier a = new PatchApplier(old, (b, off, len) -> { }, 1 << 20);
        for (int off = 0; off < p.length; off += 512) {
            a.process(p, off, Math.min(512, p.length - off));
        }
        a.finish();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void heapAllocatedDoesNotGrowWithTheImage() throws Exception {
        check(patch(64, 1), patch(2048, 1));
    }

    @Test
    void heapAllocatedDoesNotGrowWithTheImageInFormat3() throws Exception {
        check(patch(64, 3), patch(2048, 3));
    }

    /** Codec split: its control models and state are allocated once, like LZMA's tables. */
    @Test
    void heapAllocatedDoesNotGrowWithTheImageWithCodecSplit() throws Exception {
        check(patch(64, 3, 3), patch(2048, 3, 3));
    }

    private static void check(TestPatch small, TestPatch large) throws Exception {
        byte[] ps = small.build();
        byte[] pl = large.build();
        long ram = PatchHeader.parse(ps).decoderRam();
        for (int warm = 0; warm < 3; warm++) {
            allocatedDuringApply(small, ps);
            allocatedDuringApply(large, pl);
        }
        // The applier's own allocation is deterministic; JIT activity can only add to a measurement,
        // so the smallest of several is the applier's.
        long s = Long.MAX_VALUE;
        long l = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            s = Math.min(s, allocatedDuringApply(small, ps));
            l = Math.min(l, allocatedDuringApply(large, pl));
        }
        System.out.printf("applier heap: %d bytes for 64 KiB (2 blocks), %d bytes for 2 MiB (64 blocks), "
                + "decoder_ram %d%n", s, l, ram);
        assertTrue(l - s <= 1024, "allocation grew with the image: " + s + " -> " + l);
        assertTrue(l <= ram + JVM_OVERHEAD, "allocated " + l + " bytes, decoder_ram is " + ram);
    }
}
