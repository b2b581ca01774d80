// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.LittleEndian;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * A public key the device trusts, held raw as a device stores it (32 or 65 bytes, no PEM), with
 * its key id: the first 8 bytes of SHA-256 of its SubjectPublicKeyInfo DER.
 */
public final class TrustedKey {
    private final SignatureAlgorithm algorithm;
    private final byte[] rawKey;
    private final long keyId;
    private final PublicKey publicKey;

    public TrustedKey(SignatureAlgorithm algorithm, byte[] rawKey) {
        this.algorithm = algorithm;
        this.rawKey = rawKey.clone();
        byte[] spki = algorithm.spki(rawKey);
        if (algorithm == SignatureAlgorithm.ECDSA_P256) {
            P256Point.requireOnCurve(rawKey);
        }
        this.keyId = keyIdOf(spki);
        try {
            String family = algorithm == SignatureAlgorithm.ED25519 ? "Ed25519" : "EC";
            this.publicKey = KeyFactory.getInstance(family).generatePublic(new X509EncodedKeySpec(spki));
            if (algorithm == SignatureAlgorithm.ED25519) {
                // The key factory takes any 32 bytes; the point is decoded only when a verifier
                // starts, and a key that is no point would otherwise fail every signature later,
                // as if it were merely not the signer's.
                Signature.getInstance("Ed25519").initVerify(publicKey);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid " + algorithm.label() + " public key: " + e.getMessage(), e);
        }
    }

    /** From a SubjectPublicKeyInfo DER (what a PEM "PUBLIC KEY" holds). */
    public static TrustedKey fromSpki(byte[] spki) {
        SignatureAlgorithm a = SignatureAlgorithm.ofSpki(spki);
        if (a == null) {
            throw new IllegalArgumentException("public key is neither Ed25519 nor ECDSA P-256 (uncompressed)");
        }
        return new TrustedKey(a, a.rawKey(spki));
    }

    /** key_id as the header stores it: SHA-256(spki)[0..8], read little-endian. */
    public static long keyIdOf(byte[] spki) {
        return LittleEndian.u64(ImageChecksums.sha256Digest().digest(spki), 0);
    }

    /** The key id as 16 hex digits, in the byte order of the digest. */
    public static String keyIdHex(long keyId) {
        byte[] b = new byte[8];
        LittleEndian.put64(b, 0, keyId);
        return HexFormat.of().formatHex(b);
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public long keyId() {
        return keyId;
    }

    public byte[] rawKey() {
        return rawKey.clone();
    }

    PublicKey publicKey() {
        return publicKey;
    }
}
