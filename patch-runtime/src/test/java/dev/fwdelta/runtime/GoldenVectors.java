package dev.fwdelta.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** The golden vectors pinned in src/test/resources/vectors, each made by {@link TestPatch}. */
public final class GoldenVectors {
    /** The signed vector's key; its raw public key is pinned as ed25519-signed.pub. */
    public static final TestKeys SIGNING_KEY = TestKeys.generate(
            dev.fwdelta.runtime.security.SignatureAlgorithm.ED25519, 20261121);

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
            int halfwords = (c[1] - (c[0] + 4)) >> 1;
            int hw1 = 0xF000 | ((halfwords >> 11) & 0x7FF);
            int hw2 = 0xF800 | (halfwords & 0x7FF);
            old[c[0]] = (byte) hw1;
            old[c[0] + 1] = (byte) (hw1 >> 8);
            old[c[0] + 2] = (byte) hw2;
            old[c[0] + 3] = (byte) (hw2 >> 8);
        }
        long[][] pointers = {{120, 200}, {124, 8}, {232, 181}}; // {at, target}
        for (long[] p : pointers) {
            java.nio.ByteBuffer.wrap(old, (int) p[0], 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
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

        TestPatch empty = new TestPatch(TestPatch.bytes(5, 64));
        v.put("empty-new-image", empty);
        return v;
    }
}
