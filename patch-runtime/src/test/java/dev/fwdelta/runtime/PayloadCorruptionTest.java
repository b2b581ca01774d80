// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static dev.fwdelta.runtime.Rejects.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.BootResult;
import dev.fwdelta.runtime.device.Bootloader;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per payload failure mode of docs/FORMAT.md sections 2 and 3. */
class PayloadCorruptionTest {
    private static TestPatch patch() {
        return TestPatch.standard();
    }

    private static TestPatch.Block second(TestPatch t) {
        return t.blocks.get(1);
    }

    @Test
    void blockIndexOutOfOrder() {
        TestPatch t = patch();
        second(t).index = 2L;
        rejects(ErrorCode.BAD_BLOCK_INDEX, t);
    }

    @Test
    void encodedLengthZero() {
        TestPatch t = patch();
        t.blocks.get(0).encodedLength = 0L;
        rejects(ErrorCode.BAD_ENCODED_LENGTH, t);
    }

    @Test
    void encodedLengthPastThePayload() {
        TestPatch t = patch();
        second(t).encodedLength = 10_000L;
        rejects(ErrorCode.BAD_ENCODED_LENGTH, t);
    }

    @Test
    void encodedLengthAboveTheCodecBound() {
        TestPatch t = patch();
        TestPatch.Block b = t.blocks.get(0);
        b.encodedOverride = new byte[300];
        b.rawLength = 100L;
        rejects(ErrorCode.BAD_ENCODED_LENGTH, t);
    }

    @Test
    void rawLengthZero() {
        TestPatch t = patch();
        t.blocks.get(0).rawLength = 0L;
        rejects(ErrorCode.BAD_RAW_LENGTH, t);
    }

    @Test
    void rawLengthAboveMaxBlockRaw() {
        TestPatch t = patch();
        t.maxBlockRaw = 100;
        rejects(ErrorCode.BAD_RAW_LENGTH, t);
    }

    @Test
    void rawLengthDisagreesWithStoredData() {
        TestPatch t = patch();
        TestPatch.Block b = t.blocks.get(0);
        b.rawLength = (long) (t.build().length); // larger than the stored bytes, within max_block_raw
        rejects(ErrorCode.CODEC_CORRUPT, t);
    }

    @Test
    void newOffsetNotTheAppliersState() {
        TestPatch t = patch();
        second(t).newOffset = 0L;
        rejects(ErrorCode.BAD_NEW_OFFSET, t);
    }

    @Test
    void oldOffsetNotTheAppliersState() {
        TestPatch t = patch();
        second(t).oldOffset = 0L;
        rejects(ErrorCode.BAD_OLD_OFFSET, t);
    }

    @Test
    void outLengthDisagreesWithOutput() {
        TestPatch t = patch();
        t.blocks.get(0).outLength = 5L;
        rejects(ErrorCode.BAD_OUT_LENGTH, t);
    }

    @Test
    void blockCrcMismatch() {
        TestPatch t = patch();
        second(t).outCrc = 0L;
        rejects(ErrorCode.BLOCK_CRC, t);
    }

    @Test
    void unknownRecordKind() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {1, 0, 0, 0};
        rejects(ErrorCode.UNKNOWN_RECORD_KIND, t);
    }

    @Test
    void varintLongerThanFiveBytes() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {0, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
        rejects(ErrorCode.BAD_VARINT, t);
    }

    @Test
    void varintAboveTwoToThe31() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        rejects(ErrorCode.BAD_VARINT, t);
    }

    @Test
    void diffPastTheOldImage() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {0, (byte) 0x91, 0x03}; // diff_len 401 > old_size 400
        rejects(ErrorCode.BAD_DIFF_LENGTH, t);
    }

    @Test
    void outputPastTheNewSize() {
        TestPatch t = patch();
        t.newSize = 5L;
        t.blocks.get(0).outLength = 0L;
        rejects(ErrorCode.OUTPUT_OVERFLOW, t);
    }

    @Test
    void extraPastTheNewSize() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {0, 0, (byte) 0xE8, 0x07}; // extra_len 1000
        rejects(ErrorCode.OUTPUT_OVERFLOW, t);
    }

    @Test
    void seekBeforeTheOldImage() {
        TestPatch t = patch();
        TestPatch.Block b = second(t);
        b.records.set(1, new TestPatch.Rec(new byte[0], "tail".getBytes(), -10_000));
        rejects(ErrorCode.BAD_SEEK, t);
    }

    @Test
    void seekPastTheOldImage() {
        TestPatch t = patch();
        TestPatch.Block b = second(t);
        b.records.set(1, new TestPatch.Rec(new byte[0], "tail".getBytes(), 10_000));
        rejects(ErrorCode.BAD_SEEK, t);
    }

    @Test
    void blockEndsInsideARecord() {
        TestPatch t = patch();
        t.blocks.get(0).rawOverride = new byte[] {0, 2, 0}; // diff_len 2, one diff byte, then the block ends
        rejects(ErrorCode.RECORD_SPLIT, t);
    }

    @Test
    void payloadLongerThanItsBlocks() {
        TestPatch t = patch();
        t.trailer = new byte[40];
        t.payloadLength = (long) (t.build().length - 256);
        rejects(ErrorCode.BAD_PAYLOAD_LENGTH, t);
    }

    @Test
    void payloadEndsBeforeTheLastBlockHeader() {
        TestPatch t = patch();
        t.payloadLength = 300L; // block 0 takes 28 + 288 bytes, no room for block 1's header
        rejects(ErrorCode.BAD_PAYLOAD_LENGTH, t);
    }

    @Test
    void newImageShorterThanNewSize() {
        TestPatch t = patch();
        t.newSize = (long) t.newImage().length + 1;
        rejects(ErrorCode.NEW_IMAGE_MISMATCH, t);
    }

    @Test
    void trailingBytes() {
        TestPatch t = patch();
        t.trailer = new byte[] {0};
        rejects(ErrorCode.TRAILING_BYTES, t);
    }

    @Test
    void everyProperPrefixIsTruncated() {
        TestPatch t = patch();
        byte[] p = t.build();
        for (int n = 0; n < p.length; n++) {
            byte[] prefix = Arrays.copyOf(p, n);
            PatchException e = assertThrows(PatchException.class, () -> Apply.apply(t.old, prefix));
            assertEquals(ErrorCode.TRUNCATED, e.code(), "prefix of " + n + " bytes: " + e.getMessage());
        }
    }

    @Test
    void lz77OffsetBeyondTheBlock() {
        TestPatch t = patch();
        t.codecId = 1;
        t.codecWindow = 256;
        // token: 1 literal, match length 4; literal 0 (a record kind); offset 2, but 1 byte decoded so far
        t.blocks.get(0).encodedOverride = new byte[] {0x10, 0, 2, 0, 0x00};
        t.compressor = raw -> TestCodecs.lz4(raw, 256);
        rejects(ErrorCode.CODEC_CORRUPT, t);
    }

    @Test
    void lzmaGarbage() {
        TestPatch t = patch();
        t.codecId = 2;
        t.codecWindow = 4096;
        t.blocks.get(0).encodedOverride = TestPatch.bytes(3, 40);
        t.compressor = raw -> TestCodecs.lzma(raw, 4096, 0, 0, 2);
        rejects(ErrorCode.CODEC_CORRUPT, t);
    }

    /**
     * A window below 4096 (FORMAT.md 2.1): a match reaching 600 bytes back in a block whose window
     * is 512 is refused [CODEC_CORRUPT] when it is read, before any byte of it is written (900 bytes
     * precede it); the update agent fails and the bootloader keeps the old image.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aMatchBeyondASmallWindowIsCorrupt(int codecId) throws Exception {
        TestPatch t = GoldenVectors.beyondSmallWindow(codecId);
        int written = Rejects.rejects(ErrorCode.CODEC_CORRUPT, t);
        assertTrue(written <= 900, written + " bytes written");
        TestPatch wide = GoldenVectors.beyondSmallWindow(codecId);
        wide.codecWindow = 1024;
        assertArrayEquals(wide.newImage(), Apply.apply(wide.old, wide.build()), "the same data with a 1024-byte window");

        DeviceLayout layout = DeviceLayout.preset("nrf52840");
        NorFlash flash = DeviceSimulator.provision(layout, t.old);
        UpdateAgent agent = new UpdateAgent(layout, flash, UpdatePolicy.ramOnly(1 << 20));
        byte[] patch = t.build();
        long from = agent.begin(patch);
        PatchException e = assertThrows(PatchException.class, () -> {
            agent.receive(patch, (int) from, patch.length - (int) from);
            agent.finish();
        });
        assertEquals(ErrorCode.CODEC_CORRUPT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("lzma match distance: 600 (valid range 1..512)"), e.getMessage());
        assertEquals(UpdateAgent.State.FAILED, agent.state());
        assertEquals(BootResult.Image.OLD, new Bootloader(layout, flash).boot().image());
        byte[] active = Arrays.copyOfRange(flash.snapshot(), (int) layout.active().offset(),
                (int) layout.active().offset() + t.old.length);
        assertArrayEquals(t.old, active, "the old image still runs");
    }

    @Test
    void failureIsSticky() throws Exception {
        TestPatch t = patch();
        second(t).outCrc = 0L;
        byte[] p = t.build();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(t.old), new ByteArrayOutputStream()::write, 1 << 20);
        PatchException first = assertThrows(PatchException.class, () -> a.process(p));
        assertSame(first, assertThrows(PatchException.class, () -> a.process(new byte[] {0})));
        assertSame(first, assertThrows(PatchException.class, a::finish));
    }

    @Test
    void finishTwiceIsACallerBug() throws Exception {
        TestPatch t = patch();
        byte[] p = t.build();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(t.old), new ByteArrayOutputStream()::write, 1 << 20);
        a.process(p);
        a.finish();
        assertThrows(IllegalStateException.class, a::finish);
    }
}
