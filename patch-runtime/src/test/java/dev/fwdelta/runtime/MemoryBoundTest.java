// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The applier's heap use does not grow with the image: the bytes it allocates for a 32x larger
 * image (and 32x more blocks) are the same within a small margin, and stay near decoder_ram.
 */
class MemoryBoundTest {
    /** The largest relocation map: 255 shift entries and the prefix (2,048 bytes of decoder_ram). */
    private static final int MAP_ENTRIES = 255;

    /** Format 3 writes kind-1 (sparse) records and varint block headers: the same bound holds. */
    private static TestPatch patch(int kib, int version) {
        return patch(kib, version, 2);
    }

    private static TestPatch patch(int kib, int version, int codecId) {
        TestPatch t = new TestPatch(TestPatch.bytes(11, kib * 1024));
        t.version = version;
        t.sparse = version == 3;
        t.codecId = codecId;
        t.codecProps = codecId == 1 ? 0 : (2 * 5) * 9; // lz77 has no props; lzma lc0 lp0 pb2
        t.codecWindow = codecId == 1 ? 1024 : 8192;
        t.maxBlockRaw = 40_000;
        t.compressor = switch (codecId) {
            case 1 -> raw -> TestCodecs.lz4(raw, (int) t.codecWindow); // naive search: a small window keeps it quick
            case 3 -> raw -> TestSplitCodec.split(raw, 8192, 0, 0, 2);
            default -> raw -> TestCodecs.lzma(raw, 8192, 0, 0, 2);
        };
        for (int off = 0; off < kib * 1024; off += 32 * 1024) {
            t.block().add(new TestPatch.Rec(TestPatch.diff(32 * 1024, 97), TestPatch.bytes(off, 16), 0));
        }
        return t;
    }

    /** With the largest relocation map, its entries spread over the old image (format 2: 8-byte entries, 3: compact). */
    private static TestPatch withMap(TestPatch t, int version) {
        t.version = version;
        t.sparse = version == 3;
        t.flags |= 2; // RELOCATED
        t.transforms = 1 | 2; // Thumb BL and 32-bit pointers: the view reads the map for most words
        t.map = new long[MAP_ENTRIES][];
        for (int i = 0; i < MAP_ENTRIES; i++) {
            t.map[i] = new long[] {(long) i * (t.old.length / MAP_ENTRIES), 4L * (i % 7) - 12};
        }
        return t;
    }

    /** The whole apply, in 512-byte chunks: what {@link AllocationMeter} measures. */
    private static AllocationMeter.Action apply(TestPatch t, byte[] p) {
        ByteArrayOldImage old = new ByteArrayOldImage(t.old);
        return () -> {
            PatchApplier a = new PatchApplier(old, (b, off, len) -> { }, 1 << 20);
            for (int off = 0; off < p.length; off += 512) {
                a.process(p, off, Math.min(512, p.length - off));
            }
            a.finish();
        };
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

    /** Codec lz77 (LZ4 blocks): its history window is allocated once, like LZMA's dictionary. */
    @Test
    void heapAllocatedDoesNotGrowWithTheImageWithCodecLz77() throws Exception {
        check(patch(64, 3, 1), patch(2048, 3, 1));
    }

    /**
     * A relocation map costs 8 bytes per entry (FORMAT.md 4): the section the patch carries is the
     * map, with no second copy of its entries, whether the patch is small or large.
     */
    @Test
    void heapAllocatedDoesNotGrowWithTheImageWithTheLargestRelocationMap() throws Exception {
        check(withMap(patch(64, 2), 2), withMap(patch(2048, 2), 2));
    }

    /** Format 3's compact map is expanded into the same 8-byte entries, once. */
    @Test
    void heapAllocatedDoesNotGrowWithTheImageWithTheLargestCompactRelocationMap() throws Exception {
        check(withMap(patch(64, 3), 3), withMap(patch(2048, 3), 3));
    }

    /**
     * Windows below 4096 (FORMAT.md 2.1): the vectors at 256 (split) and 1024 (lzma) bytes and the
     * same blocks with a 4096-byte window. Their heap differs by what their decoder_ram differs
     * (within the arrays' headers), so the ring and every work buffer follow codec_window: one sized
     * for 4096 whatever the header says would leave no difference, which the 8 KiB overhead allowed
     * by {@link #check} could hide.
     */
    @Test
    void heapFollowsASmallWindowWithCodecSplit() throws Exception {
        checkWindow(GoldenVectors::splitWindow256, 3);
    }

    @Test
    void heapFollowsASmallWindowWithCodecLzma() throws Exception {
        checkWindow(GoldenVectors::lzmaWindow1024, 2);
    }

    private static void checkWindow(Supplier<TestPatch> vector, int codecId) throws Exception {
        TestPatch small = vector.get();
        TestPatch wide = vector.get();
        int window = (int) small.codecWindow;
        wide.codecWindow = 4096;
        if (codecId == 3) {
            wide.compressor = raw -> TestSplitCodec.split(raw, 4096, 4096, 0, 0, 0);
        }
        byte[] ps = small.build();
        byte[] pw = wide.build();
        long ramSmall = PatchHeader.parse(ps).decoderRam();
        long ramWide = PatchHeader.parse(pw).decoderRam();
        long[] bytes = AllocationMeter.smallest(() -> apply(small, ps), () -> apply(wide, pw));
        System.out.printf("applier heap, codec %d: %d bytes at window %d (decoder_ram %d), %d at 4096 (%d)%n",
                codecId, bytes[0], window, ramSmall, bytes[1], ramWide);
        assertTrue(ramWide - ramSmall == 4096 - window, "decoder_ram grows by the window alone");
        long grown = bytes[1] - bytes[0];
        assertTrue(Math.abs(grown - (ramWide - ramSmall)) <= 64, "heap grew by " + grown + " bytes from window "
                + window + " to 4096, decoder_ram by " + (ramWide - ramSmall));
        assertTrue(bytes[0] <= ramSmall + AllocationMeter.APPLIER_JVM_OVERHEAD,
                "allocated " + bytes[0] + " bytes, decoder_ram is " + ramSmall);
    }

    private static void check(TestPatch small, TestPatch large) throws Exception {
        byte[] ps = small.build();
        byte[] pl = large.build();
        long ram = PatchHeader.parse(ps).decoderRam();
        long[] bytes = AllocationMeter.smallest(() -> apply(small, ps), () -> apply(large, pl));
        long s = bytes[0];
        long l = bytes[1];
        System.out.printf("applier heap: %d bytes for 64 KiB (2 blocks), %d bytes for 2 MiB (64 blocks), "
                + "decoder_ram %d (map_count %d)%n", s, l, ram, PatchHeader.parse(ps).mapCount());
        assertTrue(l - s <= 1024, "allocation grew with the image: " + s + " -> " + l);
        assertTrue(l <= ram + AllocationMeter.APPLIER_JVM_OVERHEAD, "allocated " + l + " bytes, decoder_ram is " + ram);
    }
}
