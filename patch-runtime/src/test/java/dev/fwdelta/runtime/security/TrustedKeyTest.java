// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.TestKeys;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A raw ECDSA P-256 key is a point, and a point that is not on the curve is no key: the JDK's key
 * factory takes it, and every signature then fails as if the key were merely unknown. Found by a
 * hostile-input review.
 */
class TrustedKeyTest {
    private static final SignatureAlgorithm P256 = SignatureAlgorithm.ECDSA_P256;

    @Test
    void offCurvePointIsRefused() {
        byte[] raw = new byte[P256.rawKeyLength()];
        Arrays.fill(raw, (byte) 0x01);
        raw[0] = 0x04;
        assertRefused(raw, "not on the curve");
    }

    /**
     * A coordinate of p or more is refused even where the curve equation holds modulo p: the point
     * has one encoding, and a coordinate plus p would be a second key id for the same key.
     */
    @Test
    void coordinatesOutsideTheFieldAreRefused() throws Exception {
        ECParameterSpec curve = curve();
        BigInteger p = ((ECFieldFp) curve.getCurve().getField()).getP();
        // The point of least x: x + p still fits 32 bytes, as x is tiny.
        BigInteger x = BigInteger.ZERO;
        BigInteger y;
        while ((y = yOf(x, curve)) == null) {
            x = x.add(BigInteger.ONE);
        }
        assertArrayEquals(point(x, y), new TrustedKey(P256, point(x, y)).rawKey());
        assertRefused(point(x.add(p), y), "coordinates of 0..p-1");
        assertRefused(point(x, BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)), "coordinates of 0..p-1");
    }

    /** The y of a point with this x (either of the two), or null where x is on no point. */
    private static BigInteger yOf(BigInteger x, ECParameterSpec curve) {
        BigInteger p = ((ECFieldFp) curve.getCurve().getField()).getP();
        BigInteger ySquared = x.pow(3).add(curve.getCurve().getA().multiply(x)).add(curve.getCurve().getB()).mod(p);
        // p = 3 (mod 4): a square's root is its (p + 1) / 4 th power.
        BigInteger y = ySquared.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        return y.multiply(y).mod(p).equals(ySquared) ? y : null;
    }

    private static ECParameterSpec curve() throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(ECParameterSpec.class);
    }

    @Test
    void onlyTheUncompressedFormIsTaken() {
        byte[] raw = TestKeys.generate(P256, 8).trusted().rawKey();
        for (int form : new int[] {0x00, 0x02, 0x03, 0x05, 0x06, 0x07}) {
            raw[0] = (byte) form;
            assertRefused(raw, "uncompressed");
        }
    }

    @Test
    void keysOnTheCurveAreTaken() {
        for (long seed = 0; seed < 8; seed++) {
            TestKeys keys = TestKeys.generate(P256, seed);
            assertArrayEquals(keys.spki(), P256.spki(keys.trusted().rawKey()));
        }
    }

    /**
     * An Ed25519 key whose 32 bytes decode to no point of the curve (y = 2 has no x) is refused
     * where it is read, as an off-curve P-256 key is; y = 3 is a point and is taken.
     */
    @Test
    void anEd25519KeyThatIsNoPointIsRefused() {
        SignatureAlgorithm ed25519 = SignatureAlgorithm.ED25519;
        byte[] noPoint = new byte[ed25519.rawKeyLength()];
        noPoint[0] = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedKey.fromSpki(ed25519.spki(noPoint)));
        assertTrue(e.getMessage().startsWith("not a valid Ed25519 public key: "), e.getMessage());
        byte[] point = new byte[ed25519.rawKeyLength()];
        point[0] = 3;
        assertArrayEquals(point, TrustedKey.fromSpki(ed25519.spki(point)).rawKey());
    }

    private static void assertRefused(byte[] raw, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedKey.fromSpki(P256.spki(raw)));
        assertTrue(e.getMessage().startsWith("not a valid ECDSA P-256 public key: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    /** 04 || X || Y, each coordinate 32 bytes big-endian. */
    private static byte[] point(BigInteger x, BigInteger y) {
        byte[] raw = new byte[P256.rawKeyLength()];
        raw[0] = 0x04;
        put(raw, 1, x);
        put(raw, 33, y);
        return raw;
    }

    private static void put(byte[] into, int at, BigInteger v) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32); // toByteArray may add a leading zero byte for the sign
        System.arraycopy(b, b.length - n, into, at + 32 - n, n);
    }
}
