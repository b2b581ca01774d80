// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static dev.fwdelta.runtime.Rejects.rejects;
import static dev.fwdelta.runtime.Rejects.rejectsBeforeWriting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of format 3 (docs/FORMAT.md 1.2, the varint block header of 2, the compact
 * map of 2.3, sparse records of 2.2), each expecting its own error; the header CRC is kept valid.
 * The codec, window, RAM, block-size and CRC rules it shares with the 256-byte header run on both
 * versions in HeaderCorruptionTest.
 */
class CompactFormatCorruptionTest {
    /** A format-3 patch with a relocation map: every compact structure present. */
    private static TestPatch patch() {
        TestPatch t = GoldenVectors.relocation();
        t.version = 3;
        return t;
    }

    /** Offset of the first header byte after the prefix (flags). */
    private static final int FLAGS = PatchHeader.PREFIX_SIZE;

    @Test
    void compactPatchesApply() throws Exception {
        TestPatch t = patch();
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
        TestPatch plain = TestPatch.standard();
        plain.version = 3;
        assertArrayEquals(plain.newImage(), Apply.apply(plain.old, plain.build()));
    }

    /** Flag SHA_ONLY (FORMAT.md 1.2): half the old image's SHA-256 still tells the base apart before any write. */
    @Test
    void shaOnlyRefusesAnotherBaseOfTheSameSize() throws Exception {
        TestPatch t = TestPatch.standard();
        t.version = 3;
        t.flags = PatchHeader.FLAG_SHA_ONLY;
        byte[] patch = t.build();
        assertArrayEquals(t.newImage(), Apply.apply(t.old, patch));
        byte[] other = t.old.clone();
        other[other.length - 1] ^= 1;
        assertEquals(0, rejects(ErrorCode.WRONG_BASE_IMAGE, other, patch), "bytes written before the base check");
    }

    /** Flag SHA_ONLY: the new image is checked against the whole SHA-256, the last byte included. */
    @Test
    void shaOnlyChecksTheWholeNewImageHash() {
        TestPatch t = TestPatch.standard();
        t.version = 3;
        t.flags = PatchHeader.FLAG_SHA_ONLY;
        byte[] sha = TestPatch.sha256(t.newImage());
        t.headerTweak = h -> {
            int at = indexOf(h.array(), sha);
            h.put(at + 31, (byte) (sha[31] ^ 1));
        };
        rejects(ErrorCode.NEW_IMAGE_MISMATCH, t);
    }

    private static int indexOf(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void headerSizeBelowTheSmallestHeader() {
        TestPatch t = patch();
        t.compactHeaderSize = 73; // FORMAT.md 1.2: the smallest is 74 (flag SHA_ONLY, one-byte varints)
        rejectsBeforeWriting(ErrorCode.BAD_HEADER_SIZE, t);
    }

    @Test
    void headerSizeAboveTheFields() {
        TestPatch t = patch();
        t.compactHeaderSize = 130; // the fields end before: the payload would start inside the header
        rejectsBeforeWriting(ErrorCode.BAD_HEADER_SIZE, t);
    }

    @Test
    void headerSizeAbove256() {
        TestPatch t = patch();
        t.compactHeaderSize = 257;
        rejectsBeforeWriting(ErrorCode.BAD_HEADER_SIZE, t);
    }

    @Test
    void unknownFlag() {
        TestPatch t = patch();
        t.flags = 2 | 4;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @Test
    void signedFlagWithoutASignatureAlgorithm() {
        TestPatch t = patch();
        t.flags = 2 | 1; // signed, but the section is zeros: sig_algorithm 0
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @Test
    void blockCountAboveWhatThePayloadHolds() {
        TestPatch t = patch();
        t.blockCount = 1000L;
        rejectsBeforeWriting(ErrorCode.BAD_BLOCK_COUNT, t);
    }

    @Test
    void payloadLengthBelowTheMap() {
        TestPatch t = patch();
        t.payloadLength = 3L;
        rejectsBeforeWriting(ErrorCode.BAD_PAYLOAD_LENGTH, t);
    }

    @Test
    void oldSizeAboveTheLimit() {
        TestPatch t = patch();
        t.oldSize = 1L << 31;
        rejectsBeforeWriting(ErrorCode.BAD_VARINT, t); // 2^31 does not fit the field's varint range
    }

    @Test
    void oldSizeOfAnotherImage() {
        TestPatch t = patch();
        t.oldSize = (long) t.old.length + 1;
        rejectsBeforeWriting(ErrorCode.WRONG_BASE_IMAGE, t);
    }

    @Test
    void hardwareIdAbove32Bits() {
        TestPatch t = patch();
        t.hardwareId = 1L << 32;
        rejectsBeforeWriting(ErrorCode.BAD_VARINT, t);
    }

    @Test
    void mapCountWithoutTheRelocatedFlag() {
        TestPatch t = patch();
        t.flags = 0;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapCountAboveTheLimit() {
        TestPatch t = patch();
        t.mapCount = 257;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapBytesLongerThanTheEntries() {
        TestPatch t = patch();
        // base 0x08020000 (4-byte varint), transforms, two entries of 1 + 1 bytes: 9 bytes
        t.mapBytes = 10L;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapBytesShorterThanTheEntries() {
        TestPatch t = patch();
        t.mapBytes = 6L;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapWithATransformNoVersionKnows() {
        TestPatch t = patch();
        t.transforms = 64 | 2;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void xtensaCallsApplyInFormat3Only() throws Exception {
        TestPatch t = GoldenVectors.relocationXtensa();
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
        t.version = 2;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapEntriesNotIncreasing() {
        TestPatch t = patch();
        t.map = new long[][] {{64, 0}, {64, 4}}; // distance 0
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapStartOutsideTheOldImage() {
        TestPatch t = patch();
        t.map = new long[][] {{0, 0}, {t.old.length, 4}};
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void overlongVarintInTheHeader() {
        TestPatch t = patch();
        // map_count written as 0x82 0x80 0x80 0x80 0x80 0x00: six bytes for the value 2
        byte[] good = t.build();
        byte[] bad = TestPatch.concat(Arrays.copyOf(good, FLAGS + 3),
                new byte[] {(byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0},
                Arrays.copyOfRange(good, FLAGS + 4, good.length));
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) (good[6] + 5));
        rejects(ErrorCode.BAD_VARINT, t.old, bad);
    }

    @Test
    void varintNotInItsShortestForm() {
        TestPatch t = patch();
        byte[] good = t.build();
        // map_count 3 written as 0x83 0x00: the same value, one byte longer; a signature covers
        // bytes, so the format allows exactly one encoding of each header
        byte[] bad = TestPatch.concat(Arrays.copyOf(good, FLAGS + 3), new byte[] {(byte) 0x83, 0},
                Arrays.copyOfRange(good, FLAGS + 4, good.length));
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) (good[6] + 1));
        rejects(ErrorCode.BAD_VARINT, t.old, bad);
    }

    @Test
    void truncatedHeader() throws Exception {
        byte[] good = patch().build();
        int size = PatchHeader.parse(good).size();
        rejects(ErrorCode.TRUNCATED, patch().old, Arrays.copyOf(good, size - 1));
    }

    @Test
    void blockIndexWrong() {
        TestPatch t = patch();
        t.blocks.get(0).index = 1L;
        rejectsBeforeWriting(ErrorCode.BAD_BLOCK_INDEX, t);
    }

    @Test
    void blockOldOffsetWrong() {
        TestPatch t = patch();
        t.blocks.get(0).oldOffset = 5L;
        rejectsBeforeWriting(ErrorCode.BAD_OLD_OFFSET, t);
    }

    @Test
    void blockCrcWrong() {
        TestPatch t = patch();
        t.blocks.get(0).outCrc = 1L;
        rejects(ErrorCode.BLOCK_CRC, t);
    }

    @Test
    void blockHeaderVarintTooLong() throws Exception {
        TestPatch t = patch();
        byte[] good = t.build();
        PatchHeader h = PatchHeader.parse(good);
        int at = h.size() + (int) h.mapLength(); // block_index 0 becomes 0x80 x 5, 0x00
        byte[] bad = TestPatch.concat(Arrays.copyOf(good, at),
                new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0},
                Arrays.copyOfRange(good, at + 1, good.length));
        rejects(ErrorCode.BAD_VARINT, t.old, bad);
    }

    @Test
    void blockHeaderEndsWithThePayload() throws Exception {
        TestPatch t = patch();
        byte[] good = t.build();
        PatchHeader h = PatchHeader.parse(good);
        // 11 bytes for the one block pass the block_count rule, but its header is 13 bytes: cut there
        t.payloadLength = h.mapLength() + 11;
        byte[] cut = Arrays.copyOf(t.build(), h.size() + (int) h.mapLength() + 11);
        assertEquals(ErrorCode.BAD_PAYLOAD_LENGTH, applyError(t.old, cut));
    }

    private static ErrorCode applyError(byte[] old, byte[] patch) {
        try {
            Apply.apply(old, patch);
            return null;
        } catch (PatchException e) {
            return e.code();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Kind-1 records with hand-made pairs: {@code body} follows kind and diff_len 10. */
    private static TestPatch sparseRecord(byte[] pairs) {
        TestPatch t = TestPatch.standard();
        t.version = 3;
        t.blocks.clear();
        TestPatch.Block b = t.block();
        b.add(new TestPatch.Rec(new byte[10], new byte[0], 0));
        b.rawOverride = TestPatch.concat(new byte[] {1, 10}, pairs, new byte[] {0, 0});
        t.newSize = 10L;
        return t;
    }

    @Test
    void sparseRecordApplies() throws Exception {
        TestPatch t = sparseRecord(new byte[] {4, 2, 9, 9, 4, 0}); // 4 zeros, 2 literals, 4 zeros
        byte[] expected = Arrays.copyOf(t.old, 10);
        expected[4] += 9;
        expected[5] += 9;
        t.blocks.get(0).records.set(0, new TestPatch.Rec(new byte[] {0, 0, 0, 0, 9, 9, 0, 0, 0, 0}, new byte[0], 0));
        assertArrayEquals(expected, Apply.apply(t.old, t.build()));
    }

    @Test
    void sparseZeroRunPastTheDiff() {
        rejects(ErrorCode.BAD_DIFF_LENGTH, sparseRecord(new byte[] {11, 0}));
    }

    @Test
    void sparseLiteralPastTheDiff() {
        rejects(ErrorCode.BAD_DIFF_LENGTH, sparseRecord(new byte[] {5, 6, 1, 1, 1, 1, 1, 1}));
    }

    @Test
    void sparsePairThatCoversNothing() {
        rejects(ErrorCode.BAD_DIFF_LENGTH, sparseRecord(new byte[] {0, 0}));
    }

    @Test
    void sparseRecordInAFormat2Patch() {
        TestPatch t = GoldenVectors.relocation(); // version 2
        t.sparse = true;
        rejects(ErrorCode.UNKNOWN_RECORD_KIND, t);
    }
}
