// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

import java.util.Arrays;

/**
 * Bytes 176..255 of the header: algorithm, key id and signature. All zero in an unsigned patch
 * (docs/FORMAT.md, section 1); filling it never moves another byte of the patch.
 */
public record SignatureSection(int algorithm, long keyId, byte[] signature) {
    public static final int SIZE = 80;
    public static final int SIGNATURE_BYTES = 64;
    public static final int ALG_NONE = 0;
    public static final int ALG_ED25519 = 1;
    public static final int ALG_ECDSA_P256 = 2;

    public static final SignatureSection NONE = new SignatureSection(ALG_NONE, 0, new byte[SIGNATURE_BYTES]);

    public SignatureSection {
        signature = signature.clone();
        if (signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature must be " + SIGNATURE_BYTES + " bytes");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    public boolean isPresent() {
        return algorithm != ALG_NONE;
    }

    static SignatureSection parse(byte[] b, int off) throws PatchException {
        int alg = LittleEndian.u8(b, off);
        if (alg > ALG_ECDSA_P256) {
            throw PatchException.outOfRange(ErrorCode.BAD_FLAGS, "sig_algorithm", alg, ALG_NONE, ALG_ECDSA_P256);
        }
        long reserved = (LittleEndian.u32(b, off) >>> 8) | LittleEndian.u32(b, off + 76);
        if (reserved != 0) {
            throw new PatchException(ErrorCode.BAD_RESERVED,
                    "bad value for reserved (bytes 177..179, 252..255): must be 0");
        }
        long keyId = LittleEndian.u64(b, off + 4);
        byte[] sig = Arrays.copyOfRange(b, off + 12, off + 12 + SIGNATURE_BYTES);
        if (alg == ALG_NONE && (keyId != 0 || !Arrays.equals(sig, new byte[SIGNATURE_BYTES]))) {
            throw new PatchException(ErrorCode.BAD_RESERVED,
                    "bad value for signature section: must be all zero in an unsigned patch");
        }
        return new SignatureSection(alg, keyId, sig);
    }

    void encodeInto(byte[] b, int off) {
        Arrays.fill(b, off, off + SIZE, (byte) 0);
        b[off] = (byte) algorithm;
        LittleEndian.put64(b, off + 4, keyId);
        System.arraycopy(signature, 0, b, off + 12, SIGNATURE_BYTES);
    }
}
