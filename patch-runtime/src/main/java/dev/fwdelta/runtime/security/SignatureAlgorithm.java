// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import dev.fwdelta.runtime.format.SignatureSection;
import java.util.Arrays;

/**
 * The two signature algorithms of format v1, with what a device needs to turn a raw public key
 * into a verifier: the fixed DER prefix of its SubjectPublicKeyInfo and the JDK algorithm name.
 */
public enum SignatureAlgorithm {
    /** Ed25519 (RFC 8032, pure): signs the 176 header bytes themselves. Raw key: 32 bytes. */
    ED25519(SignatureSection.ALG_ED25519, "Ed25519", "Ed25519", 32,
            new byte[] {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}),
    /** ECDSA on P-256 over SHA-256 of the header bytes, signature r || s. Raw key: 65 bytes (04 || X || Y). */
    ECDSA_P256(SignatureSection.ALG_ECDSA_P256, "ECDSA P-256", "SHA256withECDSAinP1363Format", 65,
            new byte[] {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01,
                0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00});

    private final int id;
    private final String label;
    private final String jdkName;
    private final int rawKeyLength;
    private final byte[] spkiPrefix;

    SignatureAlgorithm(int id, String label, String jdkName, int rawKeyLength, byte[] spkiPrefix) {
        this.id = id;
        this.label = label;
        this.jdkName = jdkName;
        this.rawKeyLength = rawKeyLength;
        this.spkiPrefix = spkiPrefix;
    }

    /** The sig_algorithm byte of the header. */
    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    String jdkName() {
        return jdkName;
    }

    public int rawKeyLength() {
        return rawKeyLength;
    }

    /** The SubjectPublicKeyInfo DER of a raw key: a fixed prefix, then the key. */
    public byte[] spki(byte[] rawKey) {
        if (rawKey.length != rawKeyLength) {
            throw new IllegalArgumentException(label + " public key must be " + rawKeyLength + " bytes, got "
                    + rawKey.length);
        }
        byte[] der = new byte[spkiPrefix.length + rawKey.length];
        System.arraycopy(spkiPrefix, 0, der, 0, spkiPrefix.length);
        System.arraycopy(rawKey, 0, der, spkiPrefix.length, rawKey.length);
        return der;
    }

    /** The algorithm of a SubjectPublicKeyInfo DER, or null if it is neither of ours. */
    public static SignatureAlgorithm ofSpki(byte[] der) {
        for (SignatureAlgorithm a : values()) {
            if (der.length == a.spkiPrefix.length + a.rawKeyLength
                    && Arrays.equals(der, 0, a.spkiPrefix.length, a.spkiPrefix, 0, a.spkiPrefix.length)) {
                return a;
            }
        }
        return null;
    }

    public static SignatureAlgorithm byId(int id) {
        for (SignatureAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }

    /** The raw key inside a SubjectPublicKeyInfo DER of this algorithm. */
    public byte[] rawKey(byte[] spki) {
        return Arrays.copyOfRange(spki, spkiPrefix.length, spki.length);
    }
}
