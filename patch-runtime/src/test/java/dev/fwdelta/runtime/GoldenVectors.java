// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The golden vectors pinned in src/test/resources/vectors, each made by {@link TestPatch}. */
public final class GoldenVectors {
    /** The signed vector's key; its raw public key is pinned as ed25519-signed.pub. */
    public static final TestKeys SIGNING_KEY = TestKeys.generate(
            SignatureAlgorithm.ED25519, 20261121);

    private GoldenVectors() {}

    /** The link address of the relocation vector's image. */
    public static final long VECTOR_BASE = 0x0802_0000L;

    /**
     * Thumb code moved by 4 bytes after an insertion: four BL calls and three absolute pointers
     * (one with the Thumb bit) in the old image, some into the moved part; with the map {0: +0,
     * 64: +4} and base 0x08020000 all are predicted and their diff bytes are zero.
     */
    public static TestPatch relocation() {
        byte[] old = TestPatch.bytes(77, 256);
        int[][] calls = {{16, 200}, {40, 8}, {96, 180}, {150, 20}}; // {at, target}
        for (int[] c : calls) {
            putThumbBl(old, c[0], c[1]);
        }
        long[][] pointers = {{120, 200}, {124, 8}, {232, 181}}; // {at, target}
        for (long[] p : pointers) {
            ByteBuffer.wrap(old, (int) p[0], 4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) (VECTOR_BASE + p[1]));
        }
        TestPatch t = new TestPatch(old);
        t.version = 2;
        t.flags = 2;
        t.map = new long[][] {{0, 0}, {64, 4}};
        t.imageBase = VECTOR_BASE;
        t.transforms = 3;
        // new = old[0..64) + 4 inserted bytes + old[64..256): the predicted calls need no diff
        t.block()
                .add(new TestPatch.Rec(new byte[64], "INS!".getBytes(), 0))
                .add(new TestPatch.Rec(new byte[192], new byte[0], 0));
        return t;
    }

    /** The link address of the AArch64 vector: its 512 bytes straddle the page boundary 0x401000. */
    public static final long A64_BASE = 0x0040_0F00L;
    /** Filler between the AArch64 vector's references: NOP, which no A64 rule reads. */
    private static final int A64_NOP = 0xD503_201F;

    /**
     * AArch64 code with 16 bytes inserted at offset 0xF0 (map {0: +0, 0xF0: +16}, base 0x400F00),
     * all four transforms but Thumb: B/BL calls across the insertion and not, ADRP pairs with an
     * ADD, a 64-bit LDR whose target crosses into the next page, a 128-bit LDR, an ADRP whose
     * partner search stops at a second ADRP to the same register, and 64-bit pointers.
     */
    public static TestPatch relocationA64() {
        byte[] old = new byte[512];
        for (int p = 0; p < old.length; p += 4) {
            putWord(old, p, A64_NOP);
        }
        putWord(old, 0x10, a64Branch(0x9400_0000, 0x10, 0x180));
        putWord(old, 0x20, a64Branch(0x1400_0000, 0x20, 0x40));
        putWord(old, 0x120, a64Branch(0x9400_0000, 0x120, 0x30));
        putWord(old, 0x140, a64Branch(0x9400_0000, 0x140, 0x1C0));
        putWord(old, 0x30, adrp(1, 0x30, 0x1D8));
        putWord(old, 0x34, addImm(1, 1, 0x1D8));
        putWord(old, 0x50, adrp(2, 0x50, 0xF8));
        putWord(old, 0x58, 0xF940_0000 | (int) ((A64_BASE + 0xF8 & 0xFFF) / 8) << 10 | 2 << 5 | 3); // LDR x3, [x2]
        putWord(old, 0x60, adrp(4, 0x60, 0x1C0));
        putWord(old, 0x64, adrp(4, 0x64, 0x1C0));
        putWord(old, 0x68, addImm(4, 4, 0x1C0));
        putWord(old, 0x70, adrp(5, 0x70, 0x1E0));
        putWord(old, 0x74, 0x3DC0_0000 | (int) ((A64_BASE + 0x1E0 & 0xFFF) / 16) << 10 | 5 << 5); // LDR q0, [x5]
        putWord(old, 0x1A0, adrp(6, 0x1A0, 0x20));
        putWord(old, 0x1A4, addImm(6, 6, 0x20));
        ByteBuffer b = ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x80, A64_BASE + 0x1C0);
        b.putLong(0x88, A64_BASE + 0x10);
        b.putLong(0x90, 0x1234_5678_0040_0F00L);
        TestPatch t = new TestPatch(old);
        t.version = 2;
        t.flags = 2;
        t.map = new long[][] {{0, 0}, {0xF0, 16}};
        t.imageBase = A64_BASE;
        t.transforms = 4 | 8 | 16;
        t.block()
                .add(new TestPatch.Rec(new byte[0xF0], "INSERTED-16BYTES".getBytes(), 0))
                .add(new TestPatch.Rec(new byte[0x110], new byte[0], 0));
        return t;
    }

    /** The link address of the Xtensa vector (an ESP8266's flash-mapped code). */
    public static final long XTENSA_BASE = 0x4020_0000L;

    /**
     * Xtensa code (format 3) with 8 bytes inserted at 0x80 (map {0: +0, 0x80: +8}), XTENSA_CALL and
     * POINTER32: calls at unaligned offsets to a call0 function (ADDI a1 frame at 0x20) and a
     * windowed one (ENTRY at 0xA0), across the insertion and not, one to code that begins no
     * function (0xC0), and pointers into the moved part and not.
     */
    public static TestPatch relocationXtensa() {
        byte[] old = new byte[256];
        old[0x20] = 0x12; // ADDI a1, a1, -16: a call0 function's frame
        old[0x21] = (byte) 0xC1;
        old[0x22] = (byte) 0xF0;
        old[0xA0] = 0x36; // ENTRY a1, 32: a windowed-ABI function
        old[0xA1] = 0x41;
        old[0xC0] = 0x0D; // RET.N: not a function start
        old[0xC1] = (byte) 0xF0;
        putCall(old, 0x11, 0, 0xA0);
        putCall(old, 0x95, 2, 0x20);
        putCall(old, 0x31, 0, 0x20);
        putCall(old, 0xB1, 0, 0xA0);
        putCall(old, 0x41, 0, 0xC0);
        putWord(old, 0x60, (int) (XTENSA_BASE + 0xA0));
        putWord(old, 0x64, (int) (XTENSA_BASE + 0x20));
        TestPatch t = new TestPatch(old);
        t.version = 3;
        t.flags = 2;
        t.map = new long[][] {{0, 0}, {0x80, 8}};
        t.imageBase = XTENSA_BASE;
        t.transforms = 32 | 2;
        t.block()
                .add(new TestPatch.Rec(new byte[0x80], "XTENSA!!".getBytes(), 0))
                .add(new TestPatch.Rec(new byte[0x80], new byte[0], 0));
        return t;
    }

    /** The link address of the long-map vector's Thumb image. */
    public static final long LONG_MAP_BASE = 0x0804_0000L;
    /** Functions of the long-map vector: each one moves by its own insertion, one map entry each. */
    private static final int LONG_MAP_FUNCTIONS = 39;

    /**
     * Format 3, a Thumb image (NOPs, THUMB_BL and POINTER32) of 39 functions after a table of
     * pointers to them, with 2, 4 or 6 bytes inserted before each function, one of them 160 bytes
     * long: a map of 40 entries whose compact section is 111 bytes, three agent-log MAP parts
     * (docs/DEVICE.md), a 2-byte varint across each of their boundaries (section bytes 51..52 and
     * 103..104). Each function starts with a BL to the next one (the last to the first).
     */
    public static TestPatch relocationLongMap() {
        int table = 4 * LONG_MAP_FUNCTIONS;
        long[][] map = new long[LONG_MAP_FUNCTIONS + 1][];
        int[] starts = new int[LONG_MAP_FUNCTIONS + 2]; // function k from starts[k] to starts[k + 1], k = 1..39
        map[0] = new long[] {0, 0};
        starts[1] = table;
        long shift = 0;
        for (int k = 1; k <= LONG_MAP_FUNCTIONS; k++) {
            shift += 2 + 2 * (k % 3);
            map[k] = new long[] {starts[k], shift};
            starts[k + 1] = starts[k] + (k == 25 ? 160 : 24 + 4 * (k % 3));
        }
        byte[] old = new byte[starts[LONG_MAP_FUNCTIONS + 1]];
        for (int p = 0; p < old.length; p += 2) {
            old[p] = 0x00; // NOP (0xBF00): no rule reads it
            old[p + 1] = (byte) 0xBF;
        }
        for (int k = 1; k <= LONG_MAP_FUNCTIONS; k++) {
            putWord(old, 4 * (k - 1), (int) (LONG_MAP_BASE + starts[k] + 1)); // Thumb bit set
            putThumbBl(old, starts[k], starts[k == LONG_MAP_FUNCTIONS ? 1 : k + 1]);
        }
        TestPatch t = new TestPatch(old);
        t.version = 3;
        t.flags = 2;
        t.sparse = true;
        t.map = map;
        t.imageBase = LONG_MAP_BASE;
        t.transforms = 1 | 2;
        // new: the table, then each function after its insertion; three blocks of 13 records
        TestPatch.Block b = t.block();
        b.add(new TestPatch.Rec(new byte[table], TestPatch.bytes(1, 2 + 2 * (1 % 3)), 0));
        for (int k = 1; k <= LONG_MAP_FUNCTIONS; k++) {
            if (k % 13 == 0) {
                b = t.block();
            }
            byte[] inserted = k == LONG_MAP_FUNCTIONS ? new byte[0] : TestPatch.bytes(k + 1, 2 + 2 * ((k + 1) % 3));
            b.add(new TestPatch.Rec(new byte[starts[k + 1] - starts[k]], inserted, 0));
        }
        return t;
    }

    /** A Thumb BL at old offset {@code at} to offset {@code target}. */
    private static void putThumbBl(byte[] b, int at, int target) {
        int halfwords = (target - (at + 4)) >> 1;
        int hw1 = 0xF000 | ((halfwords >> 11) & 0x7FF);
        int hw2 = 0xF800 | (halfwords & 0x7FF);
        b[at] = (byte) hw1;
        b[at + 1] = (byte) (hw1 >> 8);
        b[at + 2] = (byte) hw2;
        b[at + 3] = (byte) (hw2 >> 8);
    }

    /** The 3 bytes of CALLn (n: 0 for CALL0, 2 for CALL8) at offset {@code at} to offset {@code target}. */
    static int xtensaCall(int n, long at, long target) {
        return 0x05 | n << 4 | (int) ((target - 4 - (at & ~3)) / 4 & 0x3FFFF) << 6;
    }

    private static void putCall(byte[] b, int at, int n, long target) {
        int x = xtensaCall(n, at, target);
        b[at] = (byte) x;
        b[at + 1] = (byte) (x >> 8);
        b[at + 2] = (byte) (x >> 16);
    }

    /** B (0x14000000) or BL (0x94000000) at old offset {@code at} to offset {@code target}. */
    static int a64Branch(int opcode, long at, long target) {
        return opcode | (int) ((target - at) >> 2 & 0x3FF_FFFF);
    }

    /** ADRP Xrd at offset {@code at} of the A64 vector, to the page of offset {@code target}. */
    static int adrp(int rd, long at, long target) {
        long pages = ((A64_BASE + target) >> 12) - ((A64_BASE + at) >> 12);
        return 0x9000_0000 | (int) (pages & 3) << 29 | (int) (pages >> 2 & 0x7FFFF) << 5 | rd;
    }

    /** ADD Xrd, Xrn, #lo12(A64_BASE + target). */
    static int addImm(int rd, int rn, long target) {
        return 0x9100_0000 | (int) (A64_BASE + target & 0xFFF) << 10 | rn << 5 | rd;
    }

    private static void putWord(byte[] b, int at, int w) {
        ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(w);
    }

    /** Bytes that repeat the {@code period} bytes before them: a match at distance {@code period}. */
    private static byte[] repeated(long seed, int period, int copies) {
        byte[] once = TestPatch.bytes(seed, period);
        byte[] b = new byte[period * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(once, 0, b, i * period, period);
        }
        return b;
    }

    /**
     * FORMAT.md 2.1, lzma with a window below 4096: xz (whose smallest dictionary is 4096) codes a
     * first block of 3,438 raw bytes, over three windows, whose only repeats lie within 1,016 bytes:
     * two zero runs of 699 diff bytes (rep matches across the ring's end) and an extra run repeated
     * at distance 1,016 (its copy wraps the ring too); a second, short block starts afresh.
     */
    static TestPatch lzmaWindow1024() {
        TestPatch t = new TestPatch(TestPatch.bytes(61, 1600));
        t.block().add(new TestPatch.Rec(TestPatch.diff(1400, 700), repeated(62, 1016, 2), 0));
        t.block().add(new TestPatch.Rec(TestPatch.diff(100, 9), "window1024".getBytes(), 0));
        t.version = 3;
        t.flags = 16;
        t.codecId = 2;
        t.codecProps = (2 * 5 + 0) * 9 + 0; // lc0 lp0 pb2
        t.codecWindow = 1024;
        t.compressor = raw -> TestCodecs.lzma(raw, 4096, 0, 0, 2);
        return t;
    }

    /**
     * FORMAT.md 2.4 at the smallest window, 256 bytes: the data stream of the first block holds
     * 1,866 bytes, a 1,100-byte zero run (rep matches of 273 bytes, more than the ring holds) and
     * 252 bytes repeated twice at distance 252.
     */
    static TestPatch splitWindow256() {
        TestPatch t = new TestPatch(TestPatch.bytes(63, 1200));
        t.block()
                .add(new TestPatch.Rec(TestPatch.diff(600, 60), new byte[1100], 0))
                .add(new TestPatch.Rec(new byte[0], repeated(64, 252, 3), 0));
        t.block().add(new TestPatch.Rec(TestPatch.diff(100, 7), "window256".getBytes(), 0));
        return compactSplit(t, 256);
    }

    /** {@code t} as format 3 with flag SHA_ONLY and sparse records, coded by split lc0 lp0 pb0 over {@code window}. */
    private static TestPatch compactSplit(TestPatch t, int window) {
        t.version = 3;
        t.flags = 16;
        t.sparse = true;
        t.codecId = 3;
        t.codecProps = 0; // lc0 lp0 pb0
        t.codecWindow = window;
        t.compressor = raw -> TestSplitCodec.split(raw, 4096, window, 0, 0, 0);
        return t;
    }

    /**
     * Not a vector, a patch every applier must refuse: codec lzma (2) or split (3) with a window of
     * 512 whose first block's data holds 600 bytes repeated at distance 600 (xz's dictionary is
     * 4096), the match past the window read once 900 bytes of the new image are decoded
     * [CODEC_CORRUPT]. The split block is laid out with a 4096-byte window: its order is the same.
     */
    public static TestPatch beyondSmallWindow(int codecId) {
        TestPatch t = new TestPatch(TestPatch.bytes(65, 800));
        t.block().add(new TestPatch.Rec(TestPatch.diff(300, 100), repeated(66, 600, 2), 0));
        t.block().add(new TestPatch.Rec(TestPatch.diff(100, 9), "after".getBytes(), 0));
        t.version = 3;
        t.flags = 16;
        t.sparse = codecId == 3;
        t.codecId = codecId;
        t.codecWindow = 512;
        t.compressor = codecId == 3 ? raw -> TestSplitCodec.split(raw, 4096, 0, 0, 0)
                : raw -> TestCodecs.lzma(raw, 4096, 0, 0, 0);
        return t;
    }

    public static Map<String, TestPatch> all() {
        Map<String, TestPatch> v = new LinkedHashMap<>();
        v.put("none-two-blocks", TestPatch.standard());

        TestPatch lz77 = TestPatch.standard();
        lz77.codecId = 1;
        lz77.codecWindow = 256;
        lz77.compressor = raw -> TestCodecs.lz4(raw, 256);
        v.put("lz77-window256", lz77);

        TestPatch lzma = TestPatch.standard();
        lzma.codecId = 2;
        lzma.codecProps = (2 * 5 + 0) * 9 + 0; // lc0 lp0 pb2
        lzma.codecWindow = 4096;
        lzma.compressor = raw -> TestCodecs.lzma(raw, 4096, 0, 0, 2);
        v.put("lzma-dict4096", lzma);

        TestPatch signed = TestPatch.standard();
        signed.flags = 1;
        signed.signer = SIGNING_KEY.sectionSigner();
        v.put("ed25519-signed", signed);

        v.put("relocation-map", relocation());
        v.put("relocation-a64", relocationA64());

        TestPatch empty = new TestPatch(TestPatch.bytes(5, 64));
        v.put("empty-new-image", empty);

        // Format 3 (compact header, varint block headers and map): what the builder writes.
        TestPatch compactLzma = TestPatch.standard();
        compactLzma.version = 3;
        compactLzma.codecId = 2;
        compactLzma.codecProps = 0; // lc0 lp0 pb0
        compactLzma.codecWindow = 4096;
        compactLzma.compressor = raw -> TestCodecs.lzma(raw, 4096, 0, 0, 0);
        v.put("compact-lzma", compactLzma);

        TestPatch compactSigned = TestPatch.standard();
        compactSigned.version = 3;
        compactSigned.flags = 1;
        compactSigned.signer = SIGNING_KEY.sectionSigner();
        v.put("compact-ed25519-signed", compactSigned);

        TestPatch compactSparse = TestPatch.standard();
        compactSparse.version = 3;
        compactSparse.sparse = true;
        v.put("compact-sparse-records", compactSparse);

        // FORMAT.md 1.2, flag LOAD_ADDRESS: the image is programmed at 0x08010000; signed, the
        // address sits before payload_sha256 and is covered by the signature.
        TestPatch loadAddress = TestPatch.standard();
        loadAddress.version = 3;
        loadAddress.flags = 8;
        loadAddress.loadAddress = 0x0801_0000L;
        v.put("compact-load-address", loadAddress);
        TestPatch loadAddressSigned = TestPatch.standard();
        loadAddressSigned.version = 3;
        loadAddressSigned.flags = 8 | 1;
        loadAddressSigned.loadAddress = 0x0801_0000L;
        loadAddressSigned.signer = SIGNING_KEY.sectionSigner();
        v.put("compact-load-address-signed", loadAddressSigned);

        // FORMAT.md 1.2, flag SHA_ONLY (what the builder writes): no image CRC-32s, the old image's
        // SHA-256 by its first 16 bytes; signed, with a load address and sparse records too.
        TestPatch shaOnly = TestPatch.standard();
        shaOnly.version = 3;
        shaOnly.flags = 16;
        shaOnly.sparse = true;
        v.put("compact-sha-only", shaOnly);
        TestPatch shaOnlySigned = TestPatch.standard();
        shaOnlySigned.version = 3;
        shaOnlySigned.flags = 16 | 8 | 1;
        shaOnlySigned.loadAddress = 0x0801_0000L;
        shaOnlySigned.signer = SIGNING_KEY.sectionSigner();
        v.put("compact-sha-only-signed", shaOnlySigned);

        // FORMAT.md 2.4, codec split: sparse records' controls and data coded apart, interleaved
        // in chunks in the order the decoder asks for them.
        v.put("compact-split", compactSplit(TestPatch.standard(), 4096));
        v.put("compact-lzma-window1024", lzmaWindow1024());
        v.put("compact-split-window256", splitWindow256());

        TestPatch compactA64 = relocationA64();
        compactA64.version = 3;
        v.put("compact-relocation-a64", compactA64);
        v.put("compact-relocation-xtensa", relocationXtensa());
        v.put("compact-relocation-long-map", relocationLongMap());
        return v;
    }
}
