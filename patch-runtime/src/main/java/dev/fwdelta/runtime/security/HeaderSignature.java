// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;

/**
 * Verifies a header's signature with the JDK's own providers: the signed bytes are the header's
 * leading bytes up to its CRC (docs/FORMAT.md 1.1 and 1.2), the key is picked from the trust
 * store by key id.
 */
public final class HeaderSignature {
    private HeaderSignature() {}

    /** @param header the header bytes as received, {@code h} their parsed form */
    public static TrustedKey verify(byte[] header, PatchHeader h, TrustStore trust) throws PatchException {
        SignatureSection sig = h.signature();
        if (!sig.isPresent()) {
            throw new PatchException(ErrorCode.UNSIGNED_PATCH, "patch is not signed and this device requires a "
                    + "signature from one of its " + trust.size() + " trusted keys");
        }
        TrustedKey key = trust.find(sig.keyId());
        if (key == null) {
            throw new PatchException(ErrorCode.UNKNOWN_KEY, "key_id " + TrustedKey.keyIdHex(sig.keyId())
                    + " is not one of the device's " + trust.size() + " trusted keys");
        }
        if (key.algorithm().id() != sig.algorithm()) {
            throw new PatchException(ErrorCode.SIGNATURE_INVALID, "sig_algorithm " + sig.algorithm()
                    + " does not match key " + TrustedKey.keyIdHex(sig.keyId()) + " (" + key.algorithm().label() + ")");
        }
        if (!check(key, Arrays.copyOf(header, h.signedLength()), sig.signature())) {
            throw new PatchException(ErrorCode.SIGNATURE_INVALID, key.algorithm().label()
                    + " signature does not verify with key " + TrustedKey.keyIdHex(sig.keyId()));
        }
        return key;
    }

    /** True if {@code signature} is a valid signature of {@code signedBytes} (the header's signed part). */
    public static boolean check(TrustedKey key, byte[] signedBytes, byte[] signature) {
        try {
            Signature v = Signature.getInstance(key.algorithm().jdkName());
            v.initVerify(key.publicKey());
            v.update(signedBytes);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
