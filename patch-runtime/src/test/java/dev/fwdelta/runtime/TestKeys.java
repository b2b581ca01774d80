// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.function.Function;

/** Test keys made and used with the JDK only, independent of the builder's signing code. */
public final class TestKeys {
    public final KeyPair pair;
    public final SignatureAlgorithm algorithm;

    private TestKeys(KeyPair pair, SignatureAlgorithm algorithm) {
        this.pair = pair;
        this.algorithm = algorithm;
    }

    public static TestKeys generate(SignatureAlgorithm algorithm, long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            KeyPairGenerator g;
            if (algorithm == SignatureAlgorithm.ED25519) {
                g = KeyPairGenerator.getInstance("Ed25519");
                g.initialize(255, random);
            } else {
                g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), random);
            }
            return new TestKeys(g.generateKeyPair(), algorithm);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] spki() {
        return pair.getPublic().getEncoded();
    }

    public TrustedKey trusted() {
        return TrustedKey.fromSpki(spki());
    }

    /** key_id: SHA-256 of the SubjectPublicKeyInfo, first 8 bytes (docs/FORMAT.md section 1). */
    public byte[] keyIdBytes() throws Exception {
        return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(spki()), 8);
    }

    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance(algorithm == SignatureAlgorithm.ED25519 ? "Ed25519"
                    : "SHA256withECDSAinP1363Format");
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signer for {@link TestPatch#signer}: the 80-byte section per FORMAT.md. */
    public Function<byte[], byte[]> sectionSigner() {
        return signed -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) algorithm.id());
                b.position(4);
                b.put(keyIdBytes());
                b.put(sign(signed));
                return b.array();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
