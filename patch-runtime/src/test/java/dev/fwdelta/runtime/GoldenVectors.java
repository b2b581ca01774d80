package dev.fwdelta.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** The golden vectors pinned in src/test/resources/vectors, each made by {@link TestPatch}. */
public final class GoldenVectors {
    /** The signed vector's key; its raw public key is pinned as ed25519-signed.pub. */
    public static final TestKeys SIGNING_KEY = TestKeys.generate(
            dev.fwdelta.runtime.security.SignatureAlgorithm.ED25519, 20261121);

    private GoldenVectors() {}

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

        TestPatch empty = new TestPatch(TestPatch.bytes(5, 64));
        v.put("empty-new-image", empty);
        return v;
    }
}
