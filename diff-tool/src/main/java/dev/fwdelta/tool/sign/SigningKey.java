// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import java.math.BigInteger;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * A private key that signs patch headers (Bouncy Castle lightweight API). Both algorithms are
 * deterministic (Ed25519 by design, ECDSA with RFC 6979 nonces), so a signed build is reproducible.
 */
public final class SigningKey {
    private final AsymmetricKeyParameter key;
    private final SignatureAlgorithm algorithm;
    private final byte[] spki;

    SigningKey(AsymmetricKeyParameter key, SignatureAlgorithm algorithm, byte[] rawPublicKey) {
        this.key = key;
        this.algorithm = algorithm;
        this.spki = algorithm.spki(rawPublicKey);
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** SubjectPublicKeyInfo DER of the matching public key. */
    public byte[] publicKeySpki() {
        return spki.clone();
    }

    public long keyId() {
        return TrustedKey.keyIdOf(spki);
    }

    /** A 64-byte signature of {@code message}: Ed25519, or ECDSA P-256/SHA-256 as r || s. */
    public byte[] sign(byte[] message) {
        if (algorithm == SignatureAlgorithm.ED25519) {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, key);
            s.update(message, 0, message.length);
            return s.generateSignature();
        }
        SHA256Digest sha = new SHA256Digest();
        sha.update(message, 0, message.length);
        byte[] hash = new byte[32];
        sha.doFinal(hash, 0);
        ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        s.init(true, key);
        BigInteger[] rs = s.generateSignature(hash);
        byte[] out = new byte[64];
        put32(rs[0], out, 0);
        put32(rs[1], out, 32);
        return out;
    }

    static void put32(BigInteger v, byte[] out, int off) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, off + 32 - n, n);
    }

    static SignatureAlgorithm algorithmOf(AsymmetricKeyParameter key) {
        if (key instanceof Ed25519PrivateKeyParameters) {
            return SignatureAlgorithm.ED25519;
        }
        if (key instanceof ECPrivateKeyParameters ec
                && ec.getParameters().getCurve().equals(NISTNamedCurves.getByName("P-256").getCurve())) {
            return SignatureAlgorithm.ECDSA_P256;
        }
        throw new IllegalArgumentException("signing key must be Ed25519 or ECDSA P-256");
    }
}
