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

    /** Longest Authorization header read: a longer one is refused before anything of it is decoded or hashed. */
    static final int MAX_AUTHORIZATION = 400;

    /**
     * Longest admin or provisioning token: what fits that header after {@code "Bearer "}. A longer
     * one is refused when the server starts: every request carrying it would be refused.
     */
    public static final int MAX_TOKEN_LENGTH = MAX_AUTHORIZATION - "Bearer ".length();

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
        String token = afterScheme(authorization, "Bearer");
        return token != null && authorization.length() <= MAX_AUTHORIZATION ? token.trim() : null;
    }

    /**
     * What follows {@code scheme} and a space in an Authorization header, or null when it has another
     * scheme (or none). The scheme's case does not matter (RFC 9110 11.1: {@code basic} is {@code Basic}).
     */
    static String afterScheme(String authorization, String scheme) {
        return authorization != null && authorization.length() > scheme.length()
                && authorization.regionMatches(true, 0, scheme, 0, scheme.length())
                && authorization.charAt(scheme.length()) == ' ' ? authorization.substring(scheme.length() + 1) : null;
    }

    /** 401 naming the limit for an Authorization header longer than {@link #MAX_AUTHORIZATION}. */
    static void refuseOverlong(String authorization) {
        if (authorization != null && authorization.length() > MAX_AUTHORIZATION) {
            throw new HttpError(401, "Authorization must be at most " + MAX_AUTHORIZATION + " characters, got "
                    + authorization.length());
        }
    }

    /**
     * {@code token} if it fits an Authorization header; else an IllegalArgumentException naming
     * {@code source} (the option, file or variable it came from) and the limit.
     */
    static String fitsHeader(String token, String source) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException(source + " holds a token of " + token.length() + " characters; at most "
                    + MAX_TOKEN_LENGTH + " (MAX_TOKEN_LENGTH) fit an Authorization header");
        }
        return token;
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
