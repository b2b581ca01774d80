// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.diff.AlignmentScanner;
import dev.fwdelta.tool.diff.DeltaRecord;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatchBuilderTest {
    private static final DemoFirmware.Pair PAIR = DemoFirmware.generate(3);

    @Test
    void decoderRamStaysWithinEveryBudget() throws Exception {
        for (long budget : new long[] {1280, 2048, 6000, 8192, 16384, 65536}) {
            PatchBuilder.Built b = PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(),
                    BuildOptions.defaults().withRamBudget(budget));
            PatchHeader h = PatchHeader.parse(b.patch());
            assertTrue(h.decoderRam() <= budget, budget + ": " + h.decoderRam());
        }
    }

    @Test
    void defaultPicksTheSmallestCandidate() {
        int best = Integer.MAX_VALUE;
        for (Codec c : Codec.values()) {
            best = Math.min(best, PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(),
                    BuildOptions.defaults().withCodec(c)).patch().length);
        }
        assertEquals(best, PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults()).patch().length);
    }

    @Test
    void codecSplitAskedForBuildsALargeImage() throws Exception {
        // A large image's codec is chosen among LZMA lc0 lp0 pb0 settings; --codec split offers
        // none, and the builder failed on an empty list of codecs (an internal error of fwdelta diff).
        Random rnd = new Random(11);
        byte[] old = new byte[PatchBuilder.FULL_TRIAL_LIMIT + 4096];
        rnd.nextBytes(old);
        byte[] neu = old.clone();
        for (int i = 0; i < 200; i++) {
            neu[rnd.nextInt(neu.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        PatchBuilder.Built b = PatchBuilder.build(old, neu, BuildOptions.defaults().withCodec(Codec.SPLIT));
        assertEquals(Codec.SPLIT, b.header().codec());
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), rebuilt::write, BuildOptions.DEFAULT_RAM_BUDGET);
        a.process(b.patch());
        a.finish();
        assertArrayEquals(neu, rebuilt.toByteArray());
    }

    @Test
    void budgetTooSmallForTheCodecIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PatchBuilder.build(
                PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults().withCodec(Codec.LZMA).withRamBudget(4096)));
        assertTrue(e.getMessage().contains("needs at least"), e.getMessage());
    }

    @Test
    void sameInputsGiveByteIdenticalPatches() {
        byte[] a = PatchBuilder.build(PAIR.oldImage(), PAIR.newImage(), BuildOptions.defaults()).patch();
        byte[] b = PatchBuilder.build(PAIR.oldImage().clone(), PAIR.newImage().clone(), BuildOptions.defaults()).patch();
        assertArrayEquals(a, b);
    }

    @Test
    void longRunsAreSplitSoBlocksHoldWholeRecords() {
        byte[] diff = new byte[5000];
        byte[] extra = new byte[3000];
        List<RawBlock> blocks = RecordBlocker.split(List.of(new DeltaRecord(diff, extra, -7)), 1024);
        assertTrue(blocks.size() >= 8, "blocks: " + blocks.size());
        long out = 0;
        for (RawBlock b : blocks) {
            assertTrue(b.records().length <= 1024);
            assertEquals(out, b.newOffset());
            out += b.outLength();
        }
        assertEquals(8000, out);
    }

    /** Sparse and plain records, split across blocks of every size: the device rebuilds the image. */
    @Test
    void bothRecordKindsSplitAcrossSmallBlocksApply() throws Exception {
        Random rnd = new Random(8);
        byte[] old = new byte[20_000];
        rnd.nextBytes(old);
        byte[] neu = old.clone();
        for (int i = 0; i < 400; i++) { // scattered changes: zero runs between changed bytes
            neu[rnd.nextInt(neu.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
        List<DeltaRecord> records = AlignmentScanner.diff(old, neu);
        for (boolean sparse : new boolean[] {false, true}) {
            for (int blockSize : new int[] {64, 100, 777, 4096}) {
                List<RawBlock> blocks = RecordBlocker.split(records, blockSize, sparse);
                long out = 0;
                for (RawBlock b : blocks) {
                    assertTrue(b.records().length <= blockSize, "block of " + b.records().length);
                    assertEquals(sparse ? 1 : 0, b.records()[0], "record kind");
                    out += b.outLength();
                }
                assertEquals(neu.length, out);
            }
        }
        // and through the whole builder and the applier, at a block size that splits runs
        byte[] patch = PatchBuilder.build(old, neu, new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 256, 0, 0))
                .patch();
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(
                new ByteArrayOldImage(old), rebuilt::write, BuildOptions.DEFAULT_RAM_BUDGET);
        a.process(patch);
        a.finish();
        assertArrayEquals(neu, rebuilt.toByteArray());
    }

    /**
     * A long diff run of mostly zero bytes is small as pairs: it shares a block with its
     * neighbours instead of being cut every block size of diff bytes (libpython's diff had runs
     * of megabytes and came out in two blocks, one of 1 KB).
     */
    @Test
    void aSparseRunFillsBlocksByItsPairsNotItsDiffBytes() {
        byte[] diff = new byte[100_000];
        for (int i = 0; i < diff.length; i += 1000) {
            diff[i] = 5;
        }
        List<DeltaRecord> records = List.of(new DeltaRecord(new byte[10], new byte[0], 0),
                new DeltaRecord(diff, new byte[20], 0), new DeltaRecord(new byte[10], new byte[0], 0));
        List<RawBlock> one = RecordBlocker.split(records, 1024, true);
        assertEquals(1, one.size(), "100 changed bytes in 100,000 fit one block as pairs");
        assertEquals(100_040, one.get(0).outLength());
        // and pieces still fill blocks when the pairs do not fit: at most a block's worth each
        List<RawBlock> pieces = RecordBlocker.split(records, 128, true);
        assertTrue(pieces.size() > 1 && pieces.size() < 30, "blocks: " + pieces.size());
        long out = 0;
        for (RawBlock b : pieces) {
            assertTrue(b.records().length <= 128, "block of " + b.records().length);
            assertEquals(out, b.newOffset());
            out += b.outLength();
        }
        assertEquals(100_040, out);
    }

    /** A long sparse diff run with extra bytes, cut into pieces: the pieces decode to the same run. */
    @Test
    void sparsePiecesKeepTheDiffBeforeTheExtraBytes() {
        byte[] diff = new byte[5000];
        for (int i = 0; i < diff.length; i += 37) {
            diff[i] = (byte) (i | 1);
        }
        byte[] extra = new byte[300];
        Arrays.fill(extra, (byte) 7);
        ByteArrayOutputStream diffOut = new ByteArrayOutputStream();
        ByteArrayOutputStream extraOut = new ByteArrayOutputStream();
        for (RawBlock b : RecordBlocker.split(List.of(new DeltaRecord(diff, extra, 0)), 256, true)) {
            assertTrue(b.records().length <= 256);
            int[] at = {0};
            byte[] r = b.records();
            while (at[0] < r.length) {
                assertEquals(1, r[at[0]++], "kind");
                long diffLen = uvarint(r, at);
                for (long done = 0; done < diffLen; ) {
                    long zeros = uvarint(r, at);
                    long literal = uvarint(r, at);
                    diffOut.write(new byte[(int) zeros], 0, (int) zeros);
                    diffOut.write(r, at[0], (int) literal);
                    at[0] += (int) literal;
                    done += zeros + literal;
                }
                long extraLen = uvarint(r, at);
                assertTrue(extraLen == 0 || diffOut.size() == diff.length, "extra bytes before the diff run ended");
                extraOut.write(r, at[0], (int) extraLen);
                at[0] += (int) extraLen;
                uvarint(r, at); // seek
            }
        }
        assertArrayEquals(diff, diffOut.toByteArray());
        assertArrayEquals(extra, extraOut.toByteArray());
    }

    private static long uvarint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }
}
