// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.tool.io.BoundedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The admin token: from a file or FWDELTA_ADMIN_TOKEN, never from the command line (it would show in ps). */
public final class AdminToken {
    public static final String ENV = "FWDELTA_ADMIN_TOKEN";
    private static final int MAX_FILE = 1024;
    /** Shortest admin token accepted: shorter ones (an empty file, a placeholder) are refused, not used. */
    public static final int MIN_LENGTH = 16;

    private AdminToken() {}

    /**
     * The token from {@code file} if given, else from the environment; null when neither is given. A
     * token shorter than {@link #MIN_LENGTH} (an empty file, an empty variable) is refused, naming
     * where it came from: an empty token must never stand for "no credentials"; so is one longer
     * than {@link Credentials#MAX_TOKEN_LENGTH}, which no request could carry.
     */
    public static String read(Path file) throws IOException {
        return read(file, System.getenv(ENV));
    }

    static String read(Path file, String env) throws IOException {
        if (file != null) {
            return checked(new String(readAtMostLimit(file), StandardCharsets.UTF_8).strip(),
                    "--admin-token-file " + file);
        }
        return env == null ? null : checked(env.strip(), ENV);
    }

    /**
     * The file's bytes, read one byte past {@link #MAX_FILE} at most: the size a pipe or /dev/zero
     * reports says nothing of what it delivers.
     */
    private static byte[] readAtMostLimit(Path file) throws IOException {
        BoundedFile.requireFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return BoundedFile.readAtMost(in, MAX_FILE).orElseThrow(() -> new IllegalArgumentException(
                    "--admin-token-file " + file + " has more than " + MAX_FILE + " bytes; an admin token file has 0.."
                            + MAX_FILE + " bytes"));
        }
    }

    private static String checked(String token, String source) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException(source + " holds an empty admin token");
        }
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(source + " holds an admin token of " + token.length()
                    + " characters; at least " + MIN_LENGTH + " (MIN_LENGTH) are needed");
        }
        return Credentials.fitsHeader(token, source);
    }

    /** The token for a client command: as {@link #read}, and an error naming both places when there is none. */
    public static String require(Path file) throws IOException {
        String token = read(file);
        if (token == null) {
            throw new IllegalArgumentException("no admin token: set " + ENV + " or --admin-token-file");
        }
        return token;
    }

    /** A new random token (the server makes one when given none, and prints it once). */
    public static String generate() {
        return Credentials.newSecret();
    }

    public static String hash(String token) {
        return Credentials.hash(token);
    }
}
