// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.runtime.security.HeaderSignature;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Signs patches: in one step with a key file, or in two steps for keys kept in an HSM or KMS
 * (print the message, sign it elsewhere, attach the signature, which is verified first).
 */
public final class PatchSigner {
    private PatchSigner() {}

    /**
     * The bytes a signature covers (docs/FORMAT.md 1.1, 1.2): the header up to its CRC with flag
     * SIGNED set (and, in format 3, the payload's SHA-256 added). Ed25519 signs these bytes;
     * ECDSA P-256 signs their SHA-256.
     */
    public static byte[] messageToSign(byte[] patch) throws PatchException {
        PatchHeader h = PatchHeader.parse(patch);
        return h.toBeSigned(payloadHash(patch, h)).signedBytes();
    }

    /**
     * The payload's SHA-256, which a signed format-3 header records: a patch whose payload no
     * longer matches it is corrupt [PAYLOAD_HASH], and signing it again kept the old hash, so the
     * new signature covered a patch every device refuses.
     */
    private static byte[] payloadHash(byte[] patch, PatchHeader h) throws PatchException {
        MessageDigest sha = ImageChecksums.sha256Digest();
        sha.update(patch, h.size(), patch.length - h.size());
        byte[] hash = sha.digest();
        if (h.payloadSha256() != null && !MessageDigest.isEqual(hash, h.payloadSha256())) {
            throw new PatchException(ErrorCode.PAYLOAD_HASH, "payload SHA-256 differs from payload_sha256: the patch"
                    + " is corrupt, not signed");
        }
        return hash;
    }

    public static byte[] sign(byte[] patch, SigningKey key) throws PatchException {
        byte[] signature = key.sign(messageToSign(patch));
        return attach(patch, TrustedKey.fromSpki(key.publicKeySpki()), signature);
    }

    /**
     * Puts {@code signature} (64 raw bytes, or an ECDSA DER signature as openssl and most KMS
     * write it) into the patch after checking it verifies with {@code key}.
     */
    public static byte[] attach(byte[] patch, TrustedKey key, byte[] signature) throws PatchException {
        byte[] raw = normalise(signature, key.algorithm());
        PatchHeader header = PatchHeader.parse(patch);
        byte[] hash = payloadHash(patch, header);
        byte[] message = header.toBeSigned(hash).signedBytes();
        if (!HeaderSignature.check(key, message, raw)) {
            throw new PatchException(ErrorCode.SIGNATURE_INVALID, "the signature does not verify with key "
                    + TrustedKey.keyIdHex(key.keyId()) + " (" + key.algorithm().label() + "): not attached");
        }
        // In format 3 the signed header is longer than the unsigned one: the payload moves up, unchanged.
        byte[] head = header.withSignature(new SignatureSection(key.algorithm().id(), key.keyId(), raw), hash).encode();
        byte[] out = new byte[head.length + patch.length - header.size()];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(patch, header.size(), out, head.length, patch.length - header.size());
        return out;
    }

    private static byte[] normalise(byte[] signature, SignatureAlgorithm alg) {
        if (signature.length == SignatureSection.SIGNATURE_BYTES) {
            return signature.clone();
        }
        if (alg == SignatureAlgorithm.ECDSA_P256 && signature.length > 0 && signature[0] == 0x30) {
            try {
                ASN1Sequence seq = ASN1Sequence.getInstance(signature);
                BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
                BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
                if (seq.size() == 2 && r.bitLength() <= 256 && s.bitLength() <= 256 && r.signum() > 0 && s.signum() > 0) {
                    byte[] out = new byte[64];
                    SigningKey.put32(r, out, 0);
                    SigningKey.put32(s, out, 32);
                    return out;
                }
            } catch (RuntimeException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("signature must be 64 raw bytes"
                + (alg == SignatureAlgorithm.ECDSA_P256 ? " or a DER ECDSA signature" : "") + ", got "
                + signature.length + " bytes");
    }
}
