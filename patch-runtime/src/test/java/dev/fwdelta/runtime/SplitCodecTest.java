// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.codec.BlockDecoder;
import dev.fwdelta.runtime.codec.CodecRoundTripTest;
import dev.fwdelta.runtime.format.ByteWriter;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Codec split (FORMAT.md 2.4) block by block: every chunking, and every rule of its layout. */
class SplitCodecTest {
    private static final int DICT = 4096;

    /** Sparse and plain records over a stretch of pseudo-code: controls and data both non-trivial. */
    private static byte[] records(long seed, int count) {
        Random r = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            boolean sparse = r.nextInt(4) != 0;
            out.write(sparse ? 1 : 0);
            int diffLen = r.nextInt(300);
            ByteWriter.writeUvarint(out, diffLen);
            if (sparse) {
                int left = diffLen;
                while (left > 0) {
                    int zeros = r.nextInt(Math.min(left, 40) + 1);
                    int literals = Math.min(left - zeros, zeros == 0 ? 1 + r.nextInt(8) : r.nextInt(8));
                    ByteWriter.writeUvarint(out, zeros);
                    ByteWriter.writeUvarint(out, literals);
                    out.writeBytes(code(r, literals));
                    left -= zeros + literals;
                }
            } else {
                out.writeBytes(code(r, diffLen));
            }
            int extra = r.nextInt(3) == 0 ? r.nextInt(200) : 0;
            ByteWriter.writeUvarint(out, extra);
            out.writeBytes(code(r, extra));
            int seek = r.nextInt(2001) - 1000;
            ByteWriter.writeUvarint(out, (seek << 1) ^ (seek >> 31));
        }
        return out.toByteArray();
    }

    /** Bytes with repeats, as code has: LZMA finds matches, some crossing the records' fields. */
    private static byte[] code(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = i >= 8 && r.nextInt(3) > 0 ? b[i - 8] : (byte) r.nextInt(16);
        }
        return b;
    }

    private static byte[] decode(byte[] encoded, int rawLength, int chunk) throws IOException {
        return CodecRoundTripTest.decode(BlockDecoder.create(Codec.SPLIT, DICT, 0), encoded, rawLength, chunk);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 32, 4096})
    void decodesItsRecordsAtEveryChunkSize(int chunk) throws IOException {
        byte[] raw = records(1, 400);
        byte[] encoded = TestSplitCodec.split(raw, DICT, 0, 0, 0);
        assertArrayEquals(raw, decode(encoded, raw.length, chunk));
        assertTrue(encoded.length < raw.length, "coded " + encoded.length + " of " + raw.length);
    }

    /** A block of zero runs alone has no data bytes: stream D is empty. */
    @Test
    void aBlockWithoutDataBytesHasAnEmptyDataStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {1, 100, 100, 0, 0, 0}); // 100 zero diff bytes, no extra, seek 0
        byte[] raw = out.toByteArray();
        byte[] encoded = TestSplitCodec.split(raw, DICT, 0, 0, 0);
        assertEquals(1 + (encoded[0] & 0xFF), encoded.length, "controls_length covers the whole block");
        assertArrayEquals(raw, decode(encoded, raw.length, 1));
    }

    private static void corrupt(byte[] encoded, int rawLength, String why) {
        PatchException e = assertThrows(PatchException.class, () -> decode(encoded, rawLength, 5), why);
        assertEquals(ErrorCode.CODEC_CORRUPT, e.code(), why + ": " + e.getMessage());
    }

    @Test
    void everyLayoutRuleIsChecked() {
        byte[] raw = records(2, 50);
        byte[] ok = TestSplitCodec.split(raw, DICT, 0, 0, 0);
        byte[] zero = ok.clone();
        zero[0] = 0;
        corrupt(zero, raw.length, "controls_length 0");
        corrupt(new byte[] {(byte) 0xFF, 0x7F, 1, 2, 3}, raw.length, "controls_length past the block");
        corrupt(Arrays.copyOf(ok, ok.length + 1), raw.length, "a byte after the last record");
        corrupt(Arrays.copyOf(ok, ok.length - 1), raw.length, "the last byte missing");
        corrupt(ok, raw.length - 1, "records past raw_length");
        corrupt(ok, raw.length + 1, "the block ends inside a record");
    }

    @Test
    void aRecordKindOtherThan0And1IsRefusedBeforeItsFields() {
        byte[] raw = {2, 0, 0, 0};
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> TestSplitCodec.split(raw, DICT, 0, 0, 0));
        PatchException cause = assertInstanceOf(PatchException.class, e.getCause());
        assertEquals(ErrorCode.CODEC_CORRUPT, cause.code());
    }

    /**
     * A block longer than a small window: kind-0 records whose data bytes are zero runs of 1,100
     * bytes (matches of 273, longer than the smallest ring, after up to 255 bytes decoded ahead) and
     * a run repeated at distance {@code window - 4}. It decodes at every chunk size, and its layout
     * is the one a 4096-byte window gives: the decoder copies a match only as far as the ring has
     * room, and that changes no step of FORMAT.md 2.4's order.
     */
    @ParameterizedTest
    @ValueSource(ints = {256, 300, 511, 529, 1024})
    void aBlockLongerThanASmallWindowDecodes(int window) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] repeat = new byte[window - 4];
        new Random(window).nextBytes(repeat);
        for (int i = 0; i < 3; i++) {
            out.write(0); // kind 0: diff_len bytes of data, then extra_len
            byte[] diff = new byte[1 + 97 * i];
            diff[0] = (byte) (i + 1);
            ByteWriter.writeUvarint(out, diff.length);
            out.writeBytes(diff);
            byte[] extra = i == 1 ? TestPatch.concat(repeat, repeat, repeat) : new byte[1100];
            ByteWriter.writeUvarint(out, extra.length);
            out.writeBytes(extra);
            out.write(0);
        }
        byte[] raw = out.toByteArray();
        byte[] encoded = TestSplitCodec.split(raw, DICT, window, 0, 0, 0);
        assertArrayEquals(TestSplitCodec.split(raw, DICT, DICT, 0, 0, 0), encoded, "the layout of a 4096-byte window");
        for (int chunk : new int[] {1, 7, 32, encoded.length}) {
            byte[] decoded = CodecRoundTripTest.decode(BlockDecoder.create(Codec.SPLIT, window, 0), encoded, raw.length, chunk);
            assertArrayEquals(raw, decoded, "window " + window + ", chunk " + chunk);
        }
    }

    /** Mutated blocks: each decodes or fails with a PatchException, none loops or throws anything else. */
    @Test
    void mutatedBlocksFailCleanly() {
        byte[] raw = records(3, 80);
        byte[] ok = TestSplitCodec.split(raw, DICT, 0, 0, 0);
        Random r = new Random(7);
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] m = ok.clone();
            for (int k = 0; k <= r.nextInt(3); k++) {
                m[r.nextInt(m.length)] ^= (byte) (1 + r.nextInt(255));
            }
            try {
                byte[] out = decode(m, raw.length, 1 + r.nextInt(40));
                assertEquals(raw.length, out.length);
            } catch (PatchException e) {
                refused++;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        assertTrue(refused > 1500, refused + " of 2000 mutations refused");
    }
}
