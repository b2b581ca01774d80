// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.TestCodecs;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lz77support.Parameters;
import org.junit.jupiter.api.Test;

/**
 * The bounded push decoders against third-party encoders (Commons Compress LZ4 blocks, xz-java
 * raw LZMA) on empty, one-byte, random, compressible and long-run data, fed in chunks of 1, 7 and
 * whole; and corrupted data must fail only with CODEC_CORRUPT.
 */
public class CodecRoundTripTest {
    private static byte[][] samples() {
        Random r = new Random(0);
        byte[] random = new byte[20_000];
        r.nextBytes(random);
        byte[] compressible = new byte[60_000];
        for (int i = 0; i < compressible.length; i++) {
            compressible[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : "firmware diff "
                    .charAt(i % 14));
        }
        byte[] runs = new byte[50_000];
        for (int i = 10_000; i < 30_000; i++) {
            runs[i] = (byte) 0xFF;
        }
        return new byte[][] {new byte[] {42}, random, compressible, runs};
    }

    static byte[] lz4(byte[] raw, int window) throws IOException {
        Parameters p = Parameters.builder(window).withMinBackReferenceLength(4).withMaxOffset(window - 1)
                .withMaxBackReferenceLength(65535).withMaxLiteralLength(65535).tunedForCompressionRatio().build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BlockLZ4CompressorOutputStream s = new BlockLZ4CompressorOutputStream(out, p)) {
            s.write(raw);
        }
        return out.toByteArray();
    }

    /** Decodes {@code enc} fed in chunks of {@code chunk} bytes (other codecs' tests use it too). */
    public static byte[] decode(BlockDecoder d, byte[] enc, long rawLength, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.start(enc.length, rawLength);
        for (int off = 0; off < enc.length; off += chunk) {
            d.feed(enc, off, Math.min(chunk, enc.length - off), out::write);
        }
        d.finish(out::write);
        return out.toByteArray();
    }

    @Test
    void lz77WindowsRoundTrip() throws IOException {
        for (int window : new int[] {256, 4096, 65536}) {
            BlockDecoder d = BlockDecoder.create(Codec.LZ77, window, 0);
            for (byte[] raw : samples()) {
                byte[] enc = lz4(raw, window);
                for (int chunk : new int[] {1, 7, enc.length}) {
                    assertArrayEquals(raw, decode(d, enc, raw.length, chunk), "window " + window + " chunk " + chunk);
                }
            }
        }
    }

    @Test
    void lzmaSettingsRoundTrip() throws IOException {
        int[][] settings = {{0, 0, 2}, {3, 0, 2}, {0, 4, 0}, {1, 1, 1}, {4, 0, 4}};
        for (int[] s : settings) {
            for (int dict : new int[] {4096, 10_000}) {
                BlockDecoder d = BlockDecoder.create(Codec.LZMA, dict, Codec.lzmaProps(s[0], s[1], s[2]));
                for (byte[] raw : samples()) {
                    byte[] enc = TestCodecs.lzma(raw, dict, s[0], s[1], s[2]);
                    for (int chunk : new int[] {1, 7, enc.length}) {
                        assertArrayEquals(raw, decode(d, enc, raw.length, chunk),
                                "lc/lp/pb " + s[0] + s[1] + s[2] + " dict " + dict + " chunk " + chunk);
                    }
                }
            }
        }
    }

    @Test
    void lzmaWithTooSmallADictionaryIsRefused() throws IOException {
        byte[] raw = samples()[2];
        byte[] enc = TestCodecs.lzma(raw, 65536, 0, 0, 2);
        BlockDecoder d = BlockDecoder.create(Codec.LZMA, 4096, Codec.lzmaProps(0, 0, 2));
        PatchException e = assertThrows(PatchException.class, () -> decode(d, enc, raw.length, enc.length));
        assertEquals(ErrorCode.CODEC_CORRUPT, e.code());
    }

    @Test
    void lz77WithTooSmallAWindowIsRefused() throws IOException {
        byte[] raw = samples()[2];
        byte[] enc = lz4(raw, 65536);
        BlockDecoder d = BlockDecoder.create(Codec.LZ77, 256, 0);
        PatchException e = assertThrows(PatchException.class, () -> decode(d, enc, raw.length, 100));
        assertEquals(ErrorCode.CODEC_CORRUPT, e.code());
    }

    /**
     * FORMAT.md 2.1: an lz77 block's last sequence has literals only, as in LZ4, so a block that
     * ends after a match is refused. The C unit test test_lz4_block_end feeds the same two blocks:
     * 12 raw bytes (a format-3 plain record whose 8 extra bytes are zeros) as 4 literals and a match
     * of 8, then as 4 literals, a match of 7 and a last literal.
     */
    @Test
    void lz77BlockEndingAfterAMatchIsRefused() throws IOException {
        byte[] endsAfterMatch = {0x44, 0, 0, 8, 0, 1, 0};
        byte[] endsWithALiteral = {0x43, 0, 0, 8, 0, 1, 0, 0x10, 0};
        byte[] raw = {0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        BlockDecoder d = BlockDecoder.create(Codec.LZ77, 256, 0);
        for (int chunk : new int[] {1, 7}) {
            PatchException e = assertThrows(PatchException.class, () -> decode(d, endsAfterMatch, raw.length, chunk));
            assertEquals(ErrorCode.CODEC_CORRUPT, e.code(), "chunk " + chunk);
            assertArrayEquals(raw, decode(d, endsWithALiteral, raw.length, chunk), "chunk " + chunk);
        }
    }

    @Test
    void mutatedCodecDataFailsOnlyWithCodecOrLengthErrors() throws IOException {
        byte[] raw = samples()[2];
        Random r = new Random(1);
        for (Codec codec : new Codec[] {Codec.LZ77, Codec.LZMA}) {
            byte[] good = codec == Codec.LZ77 ? lz4(raw, 4096) : TestCodecs.lzma(raw, 4096, 0, 0, 2);
            int props = codec == Codec.LZMA ? Codec.lzmaProps(0, 0, 2) : 0;
            BlockDecoder d = BlockDecoder.create(codec, 4096, props);
            for (int round = 0; round < 300; round++) {
                byte[] bad = good.clone();
                for (int k = 0; k <= r.nextInt(3); k++) {
                    bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
                }
                try {
                    decode(d, bad, raw.length, 1 + r.nextInt(64));
                } catch (PatchException e) {
                    assertEquals(ErrorCode.CODEC_CORRUPT, e.code(), e.getMessage());
                }
            }
        }
    }

    @Test
    void lzmaDataAfterTheLastSymbolIsRefused() throws IOException {
        byte[] raw = samples()[2];
        byte[] enc = TestCodecs.lzma(raw, 4096, 0, 0, 2);
        byte[] longer = Arrays.copyOf(enc, enc.length + 1);
        BlockDecoder d = BlockDecoder.create(Codec.LZMA, 4096, Codec.lzmaProps(0, 0, 2));
        PatchException e = assertThrows(PatchException.class, () -> decode(d, longer, raw.length, 13));
        assertEquals(ErrorCode.CODEC_CORRUPT, e.code());
    }
}
