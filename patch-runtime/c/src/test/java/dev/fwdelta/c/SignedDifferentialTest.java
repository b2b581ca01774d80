// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed patches (docs/FORMAT.md 1.1) applied by the C tool with {@code --trust} and by the Java
 * runtime with the same trust store: Ed25519 and ECDSA P-256 signatures on format-1, -2 and -3
 * vectors and a corpus patch, trusted, signed by an untrusted key, unsigned, with a changed
 * signature, a changed signed field (CRC recomputed) and a changed sig_algorithm. Both must give
 * the same image or the same code, and the code must be the one HeaderSignature.java names.
 */
class SignedDifferentialTest {
    private static final int OK = 0;
    private static final int SIGNATURE_INVALID = 37;
    private static final int UNKNOWN_KEY = 38;
    private static final int UNSIGNED_PATCH = 39;

    @TempDir
    Path dir;

    /** Unsigned patches of every header format: name -> {old, patch}. */
    private Map<String, byte[][]> unsignedPatches() throws Exception {
        Map<String, byte[][]> out = new LinkedHashMap<>();
        for (String v : new String[] {"lzma-dict4096", "relocation-map", "compact-lzma", "compact-sparse-records"}) {
            out.put(v, new byte[][] {GoldenVectorDifferentialTest.resource(v + ".old"),
                GoldenVectorDifferentialTest.resource(v + ".fwd")});
        }
        Path corpus = Path.of(System.getProperty("fwdelta.corpus", "../../../shared/corpus"));
        assertTrue(Files.isDirectory(corpus), "firmware corpus not found at " + corpus.toAbsolutePath());
        byte[] old = Files.readAllBytes(corpus.resolve("programmer/0.8.0.bin"));
        byte[] neu = Files.readAllBytes(corpus.resolve("programmer/0.9.0.bin"));
        out.put("programmer", new byte[][] {old, PatchBuilder.build(old, neu, BuildOptions.defaults()).patch()});
        return out;
    }

    @TestFactory
    Stream<DynamicTest> signedPatchesGiveTheSameAnswerInCAndJava() throws Exception {
        CApplyTool c = new CApplyTool(dir);
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path edPub = KeyFiles.generate(SignatureAlgorithm.ED25519, keys.resolve("ed.pem"));
        Path ecPub = KeyFiles.generate(SignatureAlgorithm.ECDSA_P256, keys.resolve("ec.pem"));
        Path otherEdPub = KeyFiles.generate(SignatureAlgorithm.ED25519, keys.resolve("other-ed.pem"));
        Path otherEcPub = KeyFiles.generate(SignatureAlgorithm.ECDSA_P256, keys.resolve("other-ec.pem"));
        Map<String, byte[][]> patches = unsignedPatches();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, byte[][]> e : patches.entrySet()) {
            for (Path signer : new Path[] {keys.resolve("ed.pem"), keys.resolve("ec.pem")}) {
                Path pub = signer.equals(keys.resolve("ed.pem")) ? edPub : ecPub;
                Path otherPub = signer.equals(keys.resolve("ed.pem")) ? otherEdPub : otherEcPub;
                String name = e.getKey() + " " + signer.getFileName();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    byte[] old = e.getValue()[0];
                    byte[] unsigned = e.getValue()[1];
                    SigningKey key = KeyFiles.readPrivate(signer);
                    byte[] signed = PatchSigner.sign(unsigned, key);
                    agree(c, name + " trusted, chunk 1", old, signed, 1, OK, pub);
                    agree(c, name + " trusted among others", old, signed, 4096, OK, otherPub, otherEcPub, pub);
                    agree(c, name + " untrusted signer", old, signed, 7, UNKNOWN_KEY, otherPub, otherEdPub);
                    agree(c, name + " unsigned", old, unsigned, 7, UNSIGNED_PATCH, pub);
                    agree(c, name + " signature changed", old, changedSignature(signed), 7, SIGNATURE_INVALID, pub);
                    agree(c, name + " signed field changed", old, changedSignedField(signed, old), 7,
                            SIGNATURE_INVALID, pub);
                    agree(c, name + " sig_algorithm changed", old, changedAlgorithm(signed), 7, SIGNATURE_INVALID,
                            pub);
                    Outcome noTrust = c.apply(old, signed, 4096);
                    assertEquals(OK, noTrust.errorCode(), name + ": without --trust the signature is not checked");
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("ed25519-signed vectors with their key", () -> {
            Path pem = pemOfRaw(GoldenVectorDifferentialTest.resource("ed25519-signed.pub"));
            for (String v : new String[] {"ed25519-signed", "compact-ed25519-signed"}) {
                byte[] old = GoldenVectorDifferentialTest.resource(v + ".old");
                byte[] patch = GoldenVectorDifferentialTest.resource(v + ".fwd");
                agree(c, v, old, patch, 7, OK, pem);
                agree(c, v + " untrusted", old, patch, 7, UNKNOWN_KEY, edPub);
            }
        }));
        return tests.stream();
    }

    /** Applies with C and Java trusting {@code trusted}: same outcome, with the expected code. */
    private static void agree(CApplyTool c, String what, byte[] old, byte[] patch, int chunk, int expected,
                              Path... trusted) throws Exception {
        List<TrustedKey> keys = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (Path p : trusted) {
            keys.add(KeyFiles.readPublic(p));
            options.add("--trust");
            options.add(p.toString());
        }
        UpdatePolicy policy = new UpdatePolicy(Long.MAX_VALUE, new TrustStore(keys), -1, false, -1);
        Outcome java = JavaApply.apply(old, patch, chunk, policy);
        Outcome cPort = c.apply(old, patch, chunk, options.toArray(new String[0]));
        assertEquals(expected, java.errorCode(), what + ": Java " + java);
        assertTrue(java.sameAs(cPort), what + ": Java " + java + ", C " + cPort);
        if (expected != OK) {
            assertEquals(6, cPort.exitCode(), what + ": a policy refusal exits with 6");
        }
    }

    /** Where the signature section's fields lie (FORMAT.md 1.1, 1.2). */
    private record Layout(int signedLength, int algorithmAt, int signatureAt) {
        static Layout of(byte[] patch) throws Exception {
            PatchHeader h = PatchHeader.parse(patch);
            int signed = h.signedLength();
            return new Layout(signed, signed, h.compact() ? signed + 9 : signed + 12);
        }
    }

    private static byte[] changedSignature(byte[] signed) throws Exception {
        byte[] b = signed.clone();
        b[Layout.of(signed).signatureAt() + 17] ^= 0x20;
        return b;
    }

    private static byte[] changedAlgorithm(byte[] signed) throws Exception {
        byte[] b = signed.clone();
        int at = Layout.of(signed).algorithmAt();
        b[at] = (byte) (b[at] == 1 ? 2 : 1);
        return b;
    }

    /** One bit of old_sha256 changed and header_crc32 recomputed: only the signature can tell. */
    private static byte[] changedSignedField(byte[] signed, byte[] old) throws Exception {
        Layout l = Layout.of(signed);
        // its first 16 bytes: all a header with flag SHA_ONLY records, and a part of every other's
        byte[] sha = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(old), 16);
        int at = indexOf(signed, sha, l.signedLength());
        assertTrue(at >= 0, "old_sha256 not found in the signed part");
        byte[] b = signed.clone();
        b[at + 5] ^= 1;
        CRC32 crc = new CRC32();
        crc.update(b, 0, l.signedLength() - 4);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[l.signedLength() - 4 + i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private static int indexOf(byte[] b, byte[] what, int limit) {
        for (int i = 0; i + what.length <= limit; i++) {
            boolean match = true;
            for (int j = 0; j < what.length && match; j++) {
                match = b[i + j] == what[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    /** A PEM "PUBLIC KEY" file for a raw Ed25519 key, as `fwdelta keygen` writes one. */
    private Path pemOfRaw(byte[] raw) throws Exception {
        byte[] spki = SignatureAlgorithm.ED25519.spki(raw);
        Path p = dir.resolve("vector.pub.pem");
        Files.writeString(p, "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki)
                + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
        return p;
    }
}
