// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static dev.fwdelta.runtime.Rejects.rejectsBeforeWriting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per header field rule of docs/FORMAT.md section 1; the header CRC is kept valid. Rules
 * format 3 shares (1.2: "as in 1.0") run on versions 1 and 3; its own are CompactFormatCorruptionTest.
 */
class HeaderCorruptionTest {
    private static TestPatch patch() {
        return TestPatch.standard();
    }

    /** The rules shared by the 256-byte header and format 3's compact one are tested on both. */
    private static TestPatch patch(int version) {
        TestPatch t = TestPatch.standard();
        t.version = version;
        return t;
    }

    @Test
    void standardPatchApplies() throws Exception {
        TestPatch t = patch();
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
    }

    @Test
    void magic() {
        TestPatch t = patch();
        t.magic = new byte[] {'F', 'W', 'D', 'Q'};
        rejectsBeforeWriting(ErrorCode.BAD_MAGIC, t);
    }

    @Test
    void formatVersion() {
        TestPatch t = patch();
        t.version = 4;
        rejectsBeforeWriting(ErrorCode.UNSUPPORTED_VERSION, t);
    }

    @Test
    void headerSize() {
        TestPatch t = patch();
        t.headerSize = 255;
        rejectsBeforeWriting(ErrorCode.BAD_HEADER_SIZE, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void headerCrc(int version) {
        TestPatch t = patch(version);
        t.headerCrc = 0x12345678L;
        rejectsBeforeWriting(ErrorCode.BAD_HEADER_CRC, t);
    }

    @Test
    void unknownFlagBit() {
        TestPatch t = patch();
        t.flags = 4;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    /** FORMAT.md 1.2: bit 2 (new-image copies) and bits 5 to 7 are reserved, refused today (bit 3 is 1.3's load address, bit 4 SHA_ONLY). */
    @ParameterizedTest
    @ValueSource(ints = {4, 32, 128})
    void flagBitsReservedForLaterFeaturesAreRefusedInFormatThree(int bit) {
        TestPatch t = patch(3);
        t.flags = bit;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @Test
    void signedFlagWithoutSignature() {
        TestPatch t = patch();
        t.flags = 1;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void codecId(int version) {
        TestPatch t = patch(version);
        t.codecId = 4;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC, t);
    }

    /** Codec split (3) is format 3's: a version-1 header naming it is refused. */
    @Test
    void splitCodecInAVersion1Header() {
        TestPatch t = patch(1);
        t.codecId = 3;
        t.codecWindow = 4096;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void codecPropsOnStoredCodec(int version) {
        TestPatch t = patch(version);
        t.codecProps = 1;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_PROPS, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lzmaPropsAboveRange(int version) {
        TestPatch t = patch(version);
        t.codecId = 2;
        t.codecWindow = 4096;
        t.codecProps = 225;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_PROPS, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lzmaLcPlusLpAboveFour(int version) {
        TestPatch t = patch(version);
        t.codecId = 2;
        t.codecWindow = 4096;
        t.codecProps = (2 * 5 + 2) * 9 + 3;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_PROPS, t);
    }

    @Test
    void mapCountWithoutTheRelocationFlag() {
        TestPatch t = patch();
        t.mapCount = 1;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void relocationFlagWithoutAMap() {
        TestPatch t = patch();
        t.version = 2;
        t.flags = 2;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void formatOneWithTheRetiredThumbBlFlag() {
        TestPatch t = GoldenVectors.relocation();
        t.version = 1;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @Test
    void formatTwoWithoutTheRelocationFlag() {
        TestPatch t = patch();
        t.version = 2;
        rejectsBeforeWriting(ErrorCode.BAD_FLAGS, t);
    }

    @Test
    void mapWithOnlyItsPrefix() {
        TestPatch t = GoldenVectors.relocation();
        t.map = new long[0][];
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapWithoutTransforms() {
        TestPatch t = GoldenVectors.relocation();
        t.transforms = 0;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapWithAnUnknownTransform() {
        TestPatch t = GoldenVectors.relocation();
        t.transforms = 32 | 1; // XTENSA_CALL: format 3 only
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapPrefixReservedBytes() {
        TestPatch t = GoldenVectors.relocation();
        t.prefixReserved = 1;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapCountAboveLimit() {
        TestPatch t = GoldenVectors.relocation();
        t.mapCount = 257;
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapEntriesOutOfOrder() {
        TestPatch t = GoldenVectors.relocation();
        t.map = new long[][] {{64, 4}, {0, 0}};
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @Test
    void mapEntryPastTheOldImage() {
        TestPatch t = GoldenVectors.relocation();
        t.map = new long[][] {{0, 0}, {100_000, 4}};
        rejectsBeforeWriting(ErrorCode.BAD_MAP, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void windowOnStoredCodec(int version) {
        TestPatch t = patch(version);
        t.codecWindow = 256;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_WINDOW, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lz77WindowNotPowerOfTwo(int version) {
        TestPatch t = patch(version);
        t.codecId = 1;
        t.codecWindow = 1000;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_WINDOW, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lz77WindowAboveLimit(int version) {
        TestPatch t = patch(version);
        t.codecId = 1;
        t.codecWindow = 1 << 17;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_WINDOW, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lzmaDictionaryAboveLimit(int version) {
        TestPatch t = patch(version);
        t.codecId = 2;
        t.codecWindow = (1 << 20) + 1;
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_WINDOW, t);
    }

    /**
     * lzma's and split's smallest window is 256 (FORMAT.md 1.0, 2.1): 255 is refused before a write,
     * the error naming the field and its range; 256 applies.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void lzmaAndSplitWindowBelowLimit(int codecAndVersion) {
        TestPatch t = smallWindow(codecAndVersion, 255);
        rejectsBeforeWriting(ErrorCode.BAD_CODEC_WINDOW, t);
        PatchException e = assertThrows(PatchException.class, () -> PatchHeader.parse(t.build()));
        assertTrue(e.getMessage().endsWith("bad value for codec_window: 255 (valid range 256..1048576)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void lzmaAndSplitWindowAtLimitApplies(int codecAndVersion) throws Exception {
        TestPatch t = smallWindow(codecAndVersion, 256);
        assertEquals(256, PatchHeader.parse(t.build()).codecWindow());
        assertArrayEquals(t.newImage(), Apply.apply(t.old, t.build()));
    }

    /** 1: lzma in a version-1 header, 2: lzma in a version-3 one, 3: split (version 3). */
    private static TestPatch smallWindow(int codecAndVersion, int window) {
        TestPatch t = patch(codecAndVersion == 1 ? 1 : 3);
        t.codecId = codecAndVersion == 3 ? 3 : 2;
        t.codecWindow = window;
        // xz's dictionary is 4096 at least; the standard blocks' matches stay within 256 bytes
        t.compressor = codecAndVersion == 3 ? raw -> TestSplitCodec.split(raw, 4096, 256, 0, 0, 0)
                : raw -> TestCodecs.lzma(raw, 4096, 0, 0, 0);
        return t;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void decoderRamNotTheFormula(int version) {
        TestPatch t = patch(version);
        t.decoderRam = 1023L;
        rejectsBeforeWriting(ErrorCode.BAD_DECODER_RAM, t);
    }

    @Test
    void decoderRamAboveDeviceBudget() {
        TestPatch t = patch();
        t.codecId = 1;
        t.codecWindow = 65536;
        t.compressor = raw -> TestCodecs.lz4(raw, 256);
        byte[] p = t.build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchException e = assertThrows(PatchException.class, () -> Apply.apply(t.old, p, 64, 16 * 1024, out));
        assertEquals(ErrorCode.RAM_BUDGET_EXCEEDED, e.code());
        assertTrue(e.getMessage().contains("decoder_ram: 66560 (valid range 0..16384)"), e.getMessage());
        assertEquals(0, out.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void maxBlockRawZero(int version) {
        TestPatch t = patch(version);
        t.maxBlockRaw = 0;
        rejectsBeforeWriting(ErrorCode.BAD_MAX_BLOCK_RAW, t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void maxBlockRawAboveLimit(int version) {
        TestPatch t = patch(version);
        t.maxBlockRaw = (1 << 20) + 1;
        rejectsBeforeWriting(ErrorCode.BAD_MAX_BLOCK_RAW, t);
    }

    @Test
    void blockCountMoreThanPayloadCanHold() {
        TestPatch t = patch();
        t.blockCount = 1000L;
        rejectsBeforeWriting(ErrorCode.BAD_BLOCK_COUNT, t);
    }

    @Test
    void payloadLengthAboveLimit() {
        TestPatch t = patch();
        t.payloadLength = 1L << 31;
        rejectsBeforeWriting(ErrorCode.BAD_PAYLOAD_LENGTH, t);
    }

    @Test
    void oldSizeAboveLimit() {
        TestPatch t = patch();
        t.oldSize = 0x8000_0000L;
        rejectsBeforeWriting(ErrorCode.BAD_OLD_SIZE, t);
    }

    @Test
    void newSizeAboveLimit() {
        TestPatch t = patch();
        t.newSize = 0x8000_0000L;
        rejectsBeforeWriting(ErrorCode.BAD_NEW_SIZE, t);
    }

    @Test
    void oldSizeNotTheDevicesImage() {
        TestPatch t = patch();
        t.oldSize = 399L;
        rejectsBeforeWriting(ErrorCode.WRONG_BASE_IMAGE, t);
    }

    @Test
    void oldChecksumNotTheDevicesImage() {
        TestPatch t = patch();
        t.headerTweak = h -> h.put(44, (byte) (h.get(44) ^ 1));
        rejectsBeforeWriting(ErrorCode.WRONG_BASE_IMAGE, t);
    }

    @Test
    void oldMpeg2ChecksumNotTheDevicesImage() {
        TestPatch t = patch();
        t.headerTweak = h -> h.put(48, (byte) (h.get(48) ^ 1));
        rejectsBeforeWriting(ErrorCode.WRONG_BASE_IMAGE, t);
    }

    @Test
    void oldShaNotTheDevicesImage() {
        TestPatch t = patch();
        t.headerTweak = h -> h.put(60, (byte) (h.get(60) ^ 1));
        rejectsBeforeWriting(ErrorCode.WRONG_BASE_IMAGE, t);
    }

    @Test
    void wrongBaseImageIsRefusedBeforeWriting() {
        TestPatch t = patch();
        byte[] other = t.old.clone();
        other[399] ^= 1;
        assertEquals(0, Rejects.rejects(ErrorCode.WRONG_BASE_IMAGE, other, t.build()));
    }

    @Test
    void signatureSectionMustBeZeroWhenUnsigned() {
        TestPatch t = patch();
        byte[] p = t.build();
        p[200] = 1; // inside the signature bytes: not covered by the header CRC, checked on its own
        assertEquals(0, Rejects.rejects(ErrorCode.BAD_RESERVED, t.old, p));
    }

    @Test
    void signatureAlgorithmOutOfRange() {
        TestPatch t = patch();
        byte[] p = t.build();
        p[176] = 3;
        Rejects.rejects(ErrorCode.BAD_FLAGS, t.old, p);
    }

    @Test
    void newImageHashesMismatchAtTheEnd() {
        TestPatch t = patch();
        t.headerTweak = h -> h.put(100, (byte) (h.get(100) ^ 1));
        Rejects.rejects(ErrorCode.NEW_IMAGE_MISMATCH, t);
    }

    @Test
    void payloadHashMismatch() {
        TestPatch t = patch();
        t.headerTweak = h -> h.put(130, (byte) (h.get(130) ^ 1));
        Rejects.rejects(ErrorCode.PAYLOAD_HASH, t);
    }

    @Test
    void newSizeSmallerThanThePayloadProduces() {
        TestPatch t = patch();
        t.newSize = 10L;
        Rejects.rejects(ErrorCode.BAD_OUT_LENGTH, t);
    }

    @Test
    void everySingleHeaderByteFlipIsRefused() {
        TestPatch t = patch();
        byte[] good = t.build();
        for (int i = 0; i < 256; i++) {
            byte[] p = good.clone();
            p[i] ^= 0x01;
            final int at = i;
            PatchException e = assertThrows(PatchException.class, () -> Apply.apply(t.old, p),
                    () -> "flip at header byte " + at + " was accepted");
            assertTrue(e.code() != ErrorCode.IO_ERROR);
        }
    }
}
