// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files whose DER nests so deeply that Bouncy Castle's parser, recursing once per level, would
 * run out of stack: each is refused as a wrong argument naming the option and the file, never
 * with a StackOverflowError. Found by a hostile-input review.
 */
class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void deeplyNestedDerIsAUsageError() throws Exception {
        int levels = KeylessFiles.DEEP_ENOUGH_TO_EXHAUST_A_STACK;
        int n = 0;
        for (byte[] der : List.of(KeylessFiles.nestedDer(levels), definiteNesting(levels))) {
            for (String type : List.of("PUBLIC KEY", "PRIVATE KEY", "EC PRIVATE KEY")) {
                Path file = Files.writeString(dir.resolve("deep" + n++ + ".pem"), KeylessFiles.pem(type, der));
                assertTrue(Files.size(file) < KeyFiles.MAX_KEY_FILE_BYTES, "within the key file limit");
                assertRefused("--key", file, () -> KeyFiles.readPrivate(file));
                assertRefused("--trust", file, () -> KeyFiles.readPublic(file));
                assertRefused("--public-key", file, () -> KeyFiles.readPublic(file, "--public-key"));
            }
        }
    }

    /** PKCS#8 keeps the private key as DER inside an OCTET STRING, parsed only once the key is used. */
    @Test
    void aPrivateKeyWhoseInnerDerNestsTooDeepIsAUsageError() throws Exception {
        byte[] inner = KeylessFiles.nestedDer(KeylessFiles.DEEP_ENOUGH_TO_EXHAUST_A_STACK);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(HexFormat.of().parseHex("020100" // version 0
                + "301306072a8648ce3d020106082a8648ce3d030107")); // id-ecPublicKey, P-256
        body.writeBytes(tlv(0x04, inner));
        Path file = Files.writeString(dir.resolve("pkcs8.pem"), KeylessFiles.pem("PRIVATE KEY", tlv(0x30,
                body.toByteArray())));
        assertRefused("--key", file, () -> KeyFiles.readPrivate(file));
        assertRefused("--trust", file, () -> KeyFiles.readPublic(file));
    }

    /**
     * An EC key that names no curve (SEC1 without its parameters, PKCS#8 id-ecPublicKey without
     * one): Bouncy Castle fails with a NullPointerException, whose text ("Cannot invoke
     * \"org.bouncycastle.asn1.ASN1Encodable.toASN1Primitive()\" because ...") was the reason given.
     */
    @Test
    void anEcKeyThatNamesNoCurveIsRefusedInWords() throws Exception {
        byte[] sec1 = tlv(0x30, HexFormat.of().parseHex("020101" + "0420" + "00".repeat(31) + "05"));
        Path noCurve = Files.writeString(dir.resolve("no-curve.pem"), KeylessFiles.pem("EC PRIVATE KEY", sec1));
        Path noParameters = Files.writeString(dir.resolve("no-parameters.pem"), KeylessFiles.pem("PRIVATE KEY",
                tlv(0x30, concat(HexFormat.of().parseHex("020100" + "300906072a8648ce3d0201"), tlv(0x04, sec1)))));
        for (Path file : List.of(noCurve, noParameters)) {
            for (String option : List.of("--key", "--trust")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                    if (option.equals("--key")) {
                        KeyFiles.readPrivate(file);
                    } else {
                        KeyFiles.readPublic(file);
                    }
                }, file.toString());
                assertEquals(option + " " + file + " holds a private key fwdelta cannot use: it lacks a field a key "
                        + "needs (an ECDSA key names its curve, P-256)", e.getMessage());
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * What {@code openssl ecparam -name prime256v1 -genkey} writes: the curve's EC PARAMETERS block,
     * then the SEC1 EC PRIVATE KEY. Only the first block was read, and the file was refused as
     * holding "no unencrypted private key (PEM "PRIVATE KEY" or "EC PRIVATE KEY")".
     */
    @Test
    void theKeyAfterOpensslsEcParametersIsRead() throws Exception {
        Path pkcs8 = dir.resolve("p256.pem");
        Path pub = KeyFiles.generate(SignatureAlgorithm.ECDSA_P256, pkcs8);
        byte[] der;
        try (PemReader r = new PemReader(Files.newBufferedReader(pkcs8))) {
            der = r.readPemObject().getContent();
        }
        byte[] sec1 = PrivateKeyInfo.getInstance(der).parsePrivateKey().toASN1Primitive().getEncoded();
        Path ecparam = Files.writeString(dir.resolve("ecparam.pem"), KeylessFiles.pem("EC PARAMETERS",
                HexFormat.of().parseHex("06082a8648ce3d030107")) + KeylessFiles.pem("EC PRIVATE KEY", sec1));
        assertEquals(SignatureAlgorithm.ECDSA_P256, KeyFiles.readPrivate(ecparam).algorithm());
        assertEquals(KeyFiles.readPublic(pub).keyId(), KeyFiles.readPublic(ecparam).keyId());
        Path parametersOnly = Files.writeString(dir.resolve("parameters.pem"), KeylessFiles.pem("EC PARAMETERS",
                HexFormat.of().parseHex("06082a8648ce3d030107")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyFiles.readPrivate(parametersOnly));
        assertEquals("--key " + parametersOnly + " holds EC PARAMETERS and no key (openssl ecparam writes the key "
                + "only with -genkey)", e.getMessage());
    }

    @Test
    void keysFwdeltaWritesStillRead() throws Exception {
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            Path key = dir.resolve(alg.name() + ".pem");
            Path pub = KeyFiles.generate(alg, key);
            assertEquals(alg, KeyFiles.readPrivate(key).algorithm());
            assertEquals(alg, KeyFiles.readPublic(pub).algorithm());
            assertEquals(KeyFiles.readPublic(pub).keyId(), KeyFiles.readPublic(key).keyId());
        }
    }

    private static void assertRefused(String option, Path file, Executable read) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read, option);
        assertTrue(e.getMessage().startsWith(option + " " + file + " "), e.getMessage());
        assertTrue(e.getMessage().contains("nests deeper than " + KeyFiles.MAX_DER_DEPTH + " levels"), e.getMessage());
    }

    /** {@code levels} SEQUENCEs one inside the other, each with its length given. */
    private static byte[] definiteNesting(int levels) {
        byte[] der = new byte[0];
        for (int i = 0; i < levels; i++) {
            der = tlv(0x30, der);
        }
        return der;
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >>> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
