// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Device secrets and the admin token: issued as 256 random bits, stored only as their SHA-256, compared
 * in constant time. A fast hash is enough because the secrets are random and long: there is no
 * dictionary to try (a password chosen by a person would need a slow KDF).
 */
final class Credentials {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {}

    static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token of an {@code Authorization: Bearer TOKEN} header, or null for any other (or an overlong) header. */
    static String bearer(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ") && authorization.length() < 400
                ? authorization.substring(7).trim() : null;
    }

    /**
     * True when {@code secret} hashes to {@code storedHash}; the time taken does not depend on where they
     * differ. A missing or empty secret (no Authorization header) matches nothing, not even a stored
     * hash of "" (an empty admin token is refused at start too, {@link AdminToken}).
     */
    static boolean matches(String secret, String storedHash) {
        boolean given = secret != null && !secret.isEmpty();
        byte[] a = hash(given ? secret : "").getBytes(StandardCharsets.US_ASCII);
        byte[] b = (storedHash == null ? "" : storedHash).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(a, b) && storedHash != null && given;
    }
}
