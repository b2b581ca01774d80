// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Files a user may give where a public key is expected that hold none fwdelta can use: each is
 * read without trouble, so refusing it is about the argument, not about reading the file.
 */
public final class KeylessFiles {
    private KeylessFiles() {}

    /** Writes the files into {@code dir}: what each is, and its path. */
    public static Map<String, Path> write(Path dir) throws IOException, GeneralSecurityException,
            OperatorCreationException {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("an empty file", Files.write(dir.resolve("empty.pem"), new byte[0]));
        files.put("text that is not PEM", Files.writeString(dir.resolve("notes.pem"), "release key: ask Jo\n"));
        files.put("binary bytes", Files.write(dir.resolve("random.pem"), new byte[] {(byte) 0xC3, 0, (byte) 0xFF, 7}));
        files.put("a PEM block with bad base64", Files.writeString(dir.resolve("bad64.pem"),
                pem("PUBLIC KEY", "!!!not base64!!!".getBytes(StandardCharsets.US_ASCII))));
        files.put("an encrypted private key", Files.writeString(dir.resolve("encrypted.pem"), pem(
                "ENCRYPTED PRIVATE KEY", new EncryptedPrivateKeyInfo("PBEWithMD5AndDES", new byte[48]).getEncoded())));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair pair = rsa.generateKeyPair();
        files.put("an RSA public key", Files.writeString(dir.resolve("rsa.pub.pem"),
                pem("PUBLIC KEY", pair.getPublic().getEncoded())));
        X500Name name = new X500Name("CN=fwdelta test");
        byte[] certificate = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(0), new Date(0), name,
                pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()))
                .getEncoded();
        files.put("a certificate", Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate)));
        byte[] offCurve = new byte[SignatureAlgorithm.ECDSA_P256.rawKeyLength()];
        Arrays.fill(offCurve, (byte) 0x01);
        offCurve[0] = 0x04; // uncompressed, as a P-256 key is held; but 01..01 is no point of the curve
        files.put("a P-256 point not on the curve", Files.writeString(dir.resolve("off-curve.pub.pem"),
                pem("PUBLIC KEY", SignatureAlgorithm.ECDSA_P256.spki(offCurve))));
        files.put("DER nested too deep", Files.writeString(dir.resolve("deep.pem"),
                pem("PUBLIC KEY", nestedDer(DEEP_ENOUGH_TO_EXHAUST_A_STACK))));
        return files;
    }

    /**
     * Levels of nesting that exhaust the stack of a parser recursing once per level, with the
     * default thread stack size; the PEM of this many levels stays under the key file limit.
     */
    public static final int DEEP_ENOUGH_TO_EXHAUST_A_STACK = 10_000;

    /** {@code levels} SEQUENCEs one inside the other, each of indefinite length (BER, as the parser takes it). */
    public static byte[] nestedDer(int levels) {
        byte[] der = new byte[4 * levels];
        for (int i = 0; i < levels; i++) {
            der[2 * i] = 0x30;
            der[2 * i + 1] = (byte) 0x80;
        }
        return der; // the second half: the end-of-contents octets, all zero
    }

    /** A PEM block of {@code type} holding {@code der}. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
