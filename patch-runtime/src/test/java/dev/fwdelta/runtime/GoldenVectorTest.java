// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.codec.BlockDecoder;
import dev.fwdelta.runtime.codec.CodecRoundTripTest;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.HeaderSignature;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins formats 1, 2 and 3: the committed vectors must equal what the independent writer makes, and the
 * applier must turn each old image into its new image. Regenerate after a deliberate format change
 * with {@code ./mvnw -pl patch-runtime test -Dtest=GoldenVectorTest -Dfwdelta.writeVectors=true}
 * (and change docs/FORMAT.md in the same commit).
 */
class GoldenVectorTest {
    private static final Path SOURCE_DIR = Path.of("src/test/resources/vectors");

    @TestFactory
    Stream<DynamicTest> vectors() {
        return GoldenVectors.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            TestPatch t = e.getValue();
            byte[] patch = t.build();
            if (Boolean.getBoolean("fwdelta.writeVectors")) {
                Files.createDirectories(SOURCE_DIR);
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".old"), t.old);
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".new"), t.newImage());
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".fwd"), patch);
            }
            byte[] pinnedOld = resource(e.getKey() + ".old");
            byte[] pinnedNew = resource(e.getKey() + ".new");
            byte[] pinnedPatch = resource(e.getKey() + ".fwd");
            assertArrayEquals(pinnedOld, t.old, "old image differs from the pinned vector");
            assertArrayEquals(pinnedNew, t.newImage(), "new image differs from the pinned vector");
            assertArrayEquals(pinnedPatch, patch, "patch bytes differ from the pinned vector: format changed?");
            assertArrayEquals(pinnedNew, Apply.apply(pinnedOld, pinnedPatch));
        }));
    }

    @Test
    void signedVectorVerifiesWithThePinnedKey() throws IOException {
        Path pub = SOURCE_DIR.resolve("ed25519-signed.pub");
        if (Boolean.getBoolean("fwdelta.writeVectors")) {
            Files.write(pub, GoldenVectors.SIGNING_KEY.trusted().rawKey());
        }
        TrustedKey key = new TrustedKey(SignatureAlgorithm.ED25519, Files.readAllBytes(pub));
        assertArrayEquals(GoldenVectors.SIGNING_KEY.trusted().rawKey(), key.rawKey(), "test key generation changed");
        for (String name : List.of("ed25519-signed.fwd", "compact-ed25519-signed.fwd",
                "compact-load-address-signed.fwd", "compact-sha-only-signed.fwd")) {
            byte[] patch = resource(name);
            TrustedKey signer = HeaderSignature.verify(patch, PatchHeader.parse(patch),
                    new TrustStore(List.of(key)));
            assertEquals(key.keyId(), signer.keyId(), name);
        }
    }

    /** FORMAT.md 1.2, flag LOAD_ADDRESS: a u32 after hardware_id, before the payload hash of a signed patch. */
    @Test
    void loadAddressVectorsRecordTheAddressInFourBytes() throws IOException {
        TestPatch plain = TestPatch.standard();
        plain.version = 3;
        int plainHeader = PatchHeader.parse(plain.build()).size();
        for (String name : List.of("compact-load-address.fwd", "compact-load-address-signed.fwd")) {
            PatchHeader h = PatchHeader.parse(resource(name));
            assertEquals(0x0801_0000L, h.loadAddress(), name);
            assertEquals(PatchHeader.FLAG_LOAD_ADDRESS, h.flags() & PatchHeader.FLAG_LOAD_ADDRESS, name);
        }
        byte[] unsigned = resource("compact-load-address.fwd");
        assertEquals(plainHeader + 4, PatchHeader.parse(unsigned).size());
        // The four bytes sit just before header_crc32, little-endian.
        int crcAt = PatchHeader.parse(unsigned).size() - 4;
        assertArrayEquals(new byte[] {0x00, 0x00, 0x01, 0x08}, Arrays.copyOfRange(unsigned, crcAt - 4, crcAt));
        // 73-byte signature section and 32-byte payload hash on top of the unsigned header.
        assertEquals(plainHeader + 4 + 32 + 73, PatchHeader.parse(resource("compact-load-address-signed.fwd")).size());
    }

    /** The format-3 vectors' headers, byte counts worked out from FORMAT.md 1.2 by hand. */
    @Test
    void compactVectorsHaveTheSizesTheSpecGives() throws IOException {
        // prefix 8, flags/codec/props 3, varints: map_count 1, map_bytes 1, codec_window 4096 2,
        // decoder_ram 10412 2, max_block_raw 65536 3, block_count 1, payload_length 84 1,
        // old_size 400 2, new_size 310 2, firmware_version 7 1, hardware_id 0x1234 2;
        // two CRC-32 8, two SHA-256 64, header_crc32 4
        byte[] lzma = resource("compact-lzma.fwd");
        PatchHeader h = PatchHeader.parse(lzma);
        assertEquals(3, h.formatVersion());
        assertEquals(8 + 3 + (1 + 1 + 2 + 2 + 3 + 1 + 1 + 2 + 2 + 1 + 2) + 8 + 64 + 4, h.size());
        assertEquals(null, h.payloadSha256());
        // signed: the payload's SHA-256 before the CRC, then algorithm, key id, signature
        PatchHeader s = PatchHeader.parse(resource("compact-ed25519-signed.fwd"));
        // codec none: codec_window 0 1, decoder_ram 1024 2, payload_length 352 2
        assertEquals(8 + 3 + (1 + 1 + 1 + 2 + 3 + 1 + 2 + 2 + 2 + 1 + 2) + 8 + 64 + 32 + 4, s.signedLength());
        assertEquals(s.signedLength() + 1 + 8 + 64, s.size());
        // the A64 map {0: +0, 0xF0: +16} at base 0x400F00 (22 bits: a 4-byte varint), transforms 1,
        // entry 1: start 0 (1) shift 0 (1), entry 2: distance 0xF0 (2) shift +16 = zig-zag 32 (1)
        PatchHeader a = PatchHeader.parse(resource("compact-relocation-a64.fwd"));
        assertEquals(4 + 1 + (1 + 1) + (2 + 1), a.mapLength());
        // the long map at base 0x08040000 (28 bits: 4 bytes), transforms 1, entry 0 (1 + 1), then 39
        // functions: distances of 1 byte but the first (156) and the one after the 160-byte function
        // (2 each); shifts 4..60 zig-zag in 1 byte (15 of them), 64..156 in 2 (24): 111 bytes, so
        // three 52-byte MAP parts in the agent log (docs/DEVICE.md)
        PatchHeader longMap = PatchHeader.parse(resource("compact-relocation-long-map.fwd"));
        assertEquals(41, longMap.mapCount());
        assertEquals(4 + 1 + (1 + 1) + (39 + 2) + (15 + 2 * 24), longMap.mapLength());
        // flag SHA_ONLY: the same fields and images as compact-load-address-signed, without the two
        // CRC-32s (8) and the second half of old_sha256 (16)
        PatchHeader full = PatchHeader.parse(resource("compact-load-address-signed.fwd"));
        PatchHeader lean = PatchHeader.parse(resource("compact-sha-only-signed.fwd"));
        assertEquals(full.size() - 8 - 16, lean.size());
        assertEquals(PatchHeader.FLAG_SHA_ONLY, lean.flags() & PatchHeader.FLAG_SHA_ONLY);
        assertArrayEquals(Arrays.copyOf(full.oldImage().sha256(), 16), lean.oldImage().sha256());
        assertArrayEquals(full.newImage().sha256(), lean.newImage().sha256());
        assertEquals(false, lean.oldImage().hasCrc32() || lean.newImage().hasCrc32());
    }

    @Test
    void relocationVectorReaimsOnlyTheReferencesIntoTheMovedPart() throws IOException {
        byte[] old = resource("relocation-map.old");
        byte[] neu = resource("relocation-map.new");
        // call at 16 -> 200 (moved by 4): re-aimed; call at 40 -> 8: unchanged
        assertEquals(false, Arrays.equals(old, 16, 20, neu, 16, 20));
        assertArrayEquals(Arrays.copyOfRange(old, 40, 44), Arrays.copyOfRange(neu, 40, 44));
        // call at 96 -> 180, both moved: same bytes 4 later; call at 150 -> 20: re-aimed
        assertArrayEquals(Arrays.copyOfRange(old, 96, 100), Arrays.copyOfRange(neu, 100, 104));
        assertEquals(false, Arrays.equals(old, 150, 154, neu, 154, 158));
        // pointers: old 120 -> base+200 is re-aimed to base+204; old 124 -> base+8 keeps its value
        ByteBuffer n = ByteBuffer.wrap(neu).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(GoldenVectors.VECTOR_BASE + 204, n.getInt(124) & 0xFFFFFFFFL);
        assertEquals(GoldenVectors.VECTOR_BASE + 8, n.getInt(128) & 0xFFFFFFFFL);
        assertEquals(GoldenVectors.VECTOR_BASE + 185, n.getInt(236) & 0xFFFFFFFFL);
    }

    /** Each expected call written out from docs/FORMAT.md 2.3 by hand: new offset = old + 8 from 0x80. */
    @Test
    void xtensaVectorReaimsCallsToFunctionStartsOnly() throws IOException {
        byte[] old = resource("compact-relocation-xtensa.old");
        byte[] neu = resource("compact-relocation-xtensa.new");
        // CALL0 at 0x11 to the ENTRY at 0xA0 (now 0xA8): offset (0xA8 - 4 - 0x10) / 4 = 37
        assertEquals(GoldenVectors.xtensaCall(0, 0x11, 0xA8), u24(neu, 0x11));
        assertEquals(0x05 | 37 << 6, u24(neu, 0x11));
        // CALL8 at 0x95 (now 0x9D) back to the ADDI frame at 0x20: (0x20 - 4 - 0x9C) / 4 = -32
        assertEquals(0x25 | (-32 & 0x3FFFF) << 6, u24(neu, 0x9D));
        // both ends unmoved, or both moved by 8: the same bytes
        assertEquals(u24(old, 0x31), u24(neu, 0x31));
        assertEquals(u24(old, 0xB1), u24(neu, 0xB9));
        // the call to 0xC0 (RET.N, no function start) keeps its old offset though its target moved
        assertEquals(u24(old, 0x41), u24(neu, 0x41));
        // POINTER32 in the same map: into the moved part re-aimed, the other kept
        ByteBuffer n = ByteBuffer.wrap(neu).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(GoldenVectors.XTENSA_BASE + 0xA8, n.getInt(0x60) & 0xFFFFFFFFL);
        assertEquals(GoldenVectors.XTENSA_BASE + 0x20, n.getInt(0x64) & 0xFFFFFFFFL);
        // map: base 0x40200000 (31 bits: 5-byte varint), transforms 1, entry 1 (1 + 1),
        // entry 2: distance 0x80 (2) shift +8 = zig-zag 16 (1)
        assertEquals(5 + 1 + (1 + 1) + (2 + 1), PatchHeader.parse(resource("compact-relocation-xtensa.fwd")).mapLength());
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    /** Each expected word written out from docs/FORMAT.md 2.3 by hand: new offset = old + 16 from 0xF0. */
    @Test
    void a64VectorReaimsBranchesAdrpPairsAndPointers() throws IOException {
        byte[] old = resource("relocation-a64.old");
        ByteBuffer n = ByteBuffer.wrap(resource("relocation-a64.new"))
                .order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer o = ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN);
        // B/BL: the call into the moved part and the moved call out of it are re-aimed
        assertEquals(GoldenVectors.a64Branch(0x9400_0000, 0x10, 0x190), n.getInt(0x10));
        assertEquals(o.getInt(0x20), n.getInt(0x20));
        assertEquals(GoldenVectors.a64Branch(0x9400_0000, 0x130, 0x30), n.getInt(0x130));
        assertEquals(o.getInt(0x140), n.getInt(0x150));
        // ADRP + ADD to 0x1D8 -> 0x1E8: same page, new low 12 bits
        assertEquals(GoldenVectors.adrp(1, 0x30, 0x1E8), n.getInt(0x30));
        assertEquals(o.getInt(0x30), n.getInt(0x30));
        assertEquals(GoldenVectors.addImm(1, 1, 0x1E8), n.getInt(0x34));
        // ADRP + LDR x3 (scale 8) to 0xF8 -> 0x108: address 0x400FF8 -> 0x401008, the next page
        assertEquals(o.getInt(0x50) + (1 << 29), n.getInt(0x50));
        assertEquals(0xF940_0000 | 1 << 10 | 2 << 5 | 3, n.getInt(0x58));
        // the first ADRP x4 has no partner (the second ADRP x4 comes first): its page stays
        assertEquals(o.getInt(0x60), n.getInt(0x60));
        assertEquals(GoldenVectors.addImm(4, 4, 0x1D0), n.getInt(0x68));
        // LDR q0 (scale 16) to 0x1E0 -> 0x1F0
        assertEquals(0x3DC0_0000 | 0xF << 10 | 5 << 5, n.getInt(0x74));
        // moved code pointing back to unmoved data: page and offset stay
        assertEquals(o.getLong(0x1A0), n.getLong(0x1B0));
        // 64-bit pointers: into the moved part re-aimed, the others kept
        assertEquals(GoldenVectors.A64_BASE + 0x1D0, n.getLong(0x80));
        assertEquals(GoldenVectors.A64_BASE + 0x10, n.getLong(0x88));
        assertEquals(0x1234_5678_0040_0F00L, n.getLong(0x90));
    }

    @Test
    void everyVectorFileIsKnown() throws IOException {
        Map<String, TestPatch> known = GoldenVectors.all();
        try (Stream<Path> files = Files.list(SOURCE_DIR)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                String stem = name.substring(0, name.lastIndexOf('.'));
                assertEquals(true, known.containsKey(stem), "stale vector file " + name);
            });
        }
    }

    /**
     * The windows below 4096 (FORMAT.md 2.1): each vector's first block spans several windows and
     * its farthest match reaches exactly to the window it was made for, so a decoder keeping one
     * byte less history refuses it [CODEC_CORRUPT]; at every chunk size the block decodes whole.
     */
    @Test
    void smallWindowVectorsReachTheirWindowsEdge() throws IOException {
        Object[][] cases = {{"compact-lzma-window1024", Codec.LZMA, 1024, 1016}, {"compact-split-window256", Codec.SPLIT, 256, 252}};
        for (Object[] c : cases) {
            byte[] patch = resource(c[0] + ".fwd");
            PatchHeader h = PatchHeader.parse(patch);
            int window = (int) c[2];
            int farthest = (int) c[3];
            assertEquals(c[1], h.codec(), (String) c[0]);
            assertEquals(window, h.codecWindow(), (String) c[0]);
            int[] at = {h.size()};
            long[] fields = new long[6]; // block_index, encoded_length, raw_length, new/old offset, out_length
            for (int i = 0; i < fields.length; i++) {
                fields[i] = TestSplitCodec.uvarint(patch, at);
            }
            byte[] encoded = Arrays.copyOfRange(patch, at[0] + 4, at[0] + 4 + (int) fields[1]);
            long raw = fields[2];
            assertTrue(raw > 3L * window, c[0] + ": block of " + raw + " raw bytes");
            for (int chunk : new int[] {1, 7, encoded.length}) {
                for (int w : new int[] {window, farthest}) {
                    byte[] out = CodecRoundTripTest.decode(BlockDecoder.create(h.codec(), w, h.codecProps()), encoded, raw, chunk);
                    assertEquals(raw, out.length, c[0] + " window " + w + " chunk " + chunk);
                }
            }
            PatchException e = assertThrows(PatchException.class, () -> CodecRoundTripTest.decode(
                    BlockDecoder.create(h.codec(), farthest - 1, h.codecProps()), encoded, raw, 7));
            assertEquals(ErrorCode.CODEC_CORRUPT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("lzma match distance: " + farthest + " (valid range 1.." + (farthest - 1) + ")"),
                    e.getMessage());
        }
    }

    /** A golden vector file, e.g. {@code compact-lzma.fwd}. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = GoldenVectorTest.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IOException("missing golden vector " + name);
            }
            return in.readAllBytes();
        }
    }
}
