// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;

/**
 * Checks that a raw ECDSA P-256 public key is a point of the curve. The JDK's key factory takes
 * any two coordinates, and a key that is no point only makes every signature fail later, as if the
 * key were merely not the signer's: refusing it where it is read names the real problem.
 */
final class P256Point {
    private P256Point() {}

    private static final int UNCOMPRESSED = 0x04;
    private static final int COORDINATE_BYTES = 32;
    /** The curve's field prime and equation y^2 = x^3 + ax + b, as the JDK defines secp256r1. */
    private static final BigInteger P;
    private static final BigInteger A;
    private static final BigInteger B;

    static {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            EllipticCurve curve = params.getParameterSpec(ECParameterSpec.class).getCurve();
            P = ((ECFieldFp) curve.getField()).getP();
            A = curve.getA();
            B = curve.getB();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no secp256r1", e);
        }
    }

    /** Refuses {@code raw} (04 || X || Y) unless X and Y are field elements satisfying the curve equation. */
    static void requireOnCurve(byte[] raw) {
        if (raw[0] != UNCOMPRESSED) {
            throw new IllegalArgumentException(String.format("not a valid ECDSA P-256 public key: first byte 0x%02x,"
                    + " where the uncompressed form 04 || X || Y has 0x04", raw[0] & 0xFF));
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 1 + COORDINATE_BYTES));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 1 + COORDINATE_BYTES, 1 + 2 * COORDINATE_BYTES));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            throw new IllegalArgumentException("not a valid ECDSA P-256 public key: X and Y must be coordinates of "
                    + "0..p-1 (p the curve's field prime)");
        }
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.multiply(x).add(A).multiply(x).add(B).mod(P);
        if (!left.equals(right)) {
            throw new IllegalArgumentException("not a valid ECDSA P-256 public key: the point (X, Y) is not on the"
                    + " curve");
        }
    }
}
