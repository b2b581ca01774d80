// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.tool.io.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The host's copy of an image being flashed, kept from before the first erase until the chip is
 * verified: what lets the same patch finish a flash that was interrupted after the base was
 * partly erased (docs/STM32-FLASH.md). One file per image, named by its SHA-256, written to a
 * temporary name, forced to disk and renamed, the directory forced after ({@link DurableFiles}),
 * so a copy that exists is whole; a copy whose
 * content no longer hashes to its name is ignored.
 */
public final class RecoveryCopies {
    /** The largest image a copy may hold: well above the largest flash in the part table. */
    public static final long MAX_IMAGE_BYTES = 16L << 20;

    private final Path dir;

    public RecoveryCopies(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_STATE_HOME/fwdelta/stm32-flash}, else {@code ~/.local/state/fwdelta/stm32-flash}. */
    public static Path defaultDir() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("fwdelta").resolve("stm32-flash");
    }

    public Path dir() {
        return dir;
    }

    Path fileFor(byte[] sha256) {
        return dir.resolve(HexFormat.of().formatHex(sha256) + ".bin");
    }

    /** Stores {@code image} (whose SHA-256 is {@code sha256}) durably before anything is erased. */
    void save(byte[] sha256, byte[] image) throws IOException {
        Files.createDirectories(dir);
        Path target = fileFor(sha256);
        Path temp = Files.createTempFile(dir, ".copy", ".part");
        try {
            Files.write(temp, image);
            DurableFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The stored image with this SHA-256, if a whole one is here. */
    Optional<byte[]> load(byte[] sha256, long size) throws IOException {
        Path f = fileFor(sha256);
        if (!Files.isRegularFile(f) || Files.size(f) != size || size > MAX_IMAGE_BYTES) {
            return Optional.empty();
        }
        byte[] image = Files.readAllBytes(f);
        return Arrays.equals(sha256(image), sha256) ? Optional.of(image) : Optional.empty();
    }

    void delete(byte[] sha256) throws IOException {
        Files.deleteIfExists(fileFor(sha256));
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
