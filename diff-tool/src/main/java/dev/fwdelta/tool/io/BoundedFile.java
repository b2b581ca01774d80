// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A whole file read into memory, refused past a named limit. The size the file system reports is
 * not trusted alone: a FIFO, a character device such as /dev/zero or a shell's process
 * substitution reports 0 and can deliver without end, so the read itself stops one byte past the
 * limit. Memory grows with the bytes actually read, never with a size given up front.
 */
public final class BoundedFile {
    private BoundedFile() {}

    /**
     * The longest file read whole: one Java array holds a little under 2^31 bytes, and one byte
     * past the limit is read to tell a longer file.
     */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 9;

    /** Bytes read at a time by {@link #readAtMost}: what memory grows by past the bytes read. */
    private static final int PIECE = 64 * 1024;

    /** A detached signature: 64 raw bytes (Ed25519) or a DER ECDSA signature, 72 at most; room to spare. */
    public static final long MAX_SIGNATURE_BYTES = 1024;

    /**
     * The bytes of {@code path}, at most {@code maxBytes} of them ({@code what} names the file's
     * kind in the error: "patch file", "key file").
     */
    public static byte[] read(Path path, long maxBytes, String what) throws IOException {
        if (maxBytes < 0 || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " (valid range 0.." + MAX_BYTES + ")");
        }
        requireAtMost(path, maxBytes, what);
        Optional<byte[]> bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = readAtMost(in, maxBytes);
        } catch (FileSystemException e) {
            throw e; // names the path already
        } catch (IOException e) {
            throw named(path, e);
        }
        return bytes.orElseThrow(() -> tooLarge(path, "more than " + maxBytes, maxBytes, what));
    }

    /**
     * All of {@code in}, or nothing when it holds more than {@code maxBytes}: read in pieces, at most
     * one byte past the limit, and joined once its end is reached. So an input without end
     * (/dev/zero) costs the limit's bytes and no more; a buffer doubled as it fills would hold up to
     * twice that, and once more while it is copied.
     */
    public static Optional<byte[]> readAtMost(InputStream in, long maxBytes) throws IOException {
        if (maxBytes < 0 || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " (valid range 0.." + MAX_BYTES + ")");
        }
        List<byte[]> pieces = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] piece = new byte[(int) Math.min(PIECE, maxBytes + 1 - total)];
            int n = in.readNBytes(piece, 0, piece.length);
            total += n;
            if (total > maxBytes) {
                return Optional.empty();
            }
            pieces.add(n == piece.length ? piece : Arrays.copyOf(piece, n));
            if (n < piece.length) {
                return Optional.of(joined(pieces, (int) total)); // readNBytes reads short only at the end
            }
        }
    }

    private static byte[] joined(List<byte[]> pieces, int total) {
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] piece : pieces) {
            System.arraycopy(piece, 0, out, at, piece.length);
            at += piece.length;
        }
        return out;
    }

    /**
     * Refuses a directory ({@link #requireFile}) and a regular file larger than {@code maxBytes}
     * by the size the file system reports, before it is opened; a FIFO or a device reports no size,
     * and its read must stop at the limit itself.
     */
    public static void requireAtMost(Path path, long maxBytes, String what) throws IOException {
        requireFile(path);
        if (Files.isRegularFile(path) && Files.size(path) > maxBytes) {
            throw tooLarge(path, Long.toString(Files.size(path)), maxBytes, what);
        }
    }

    /**
     * Refuses an input that is a directory, naming it, before any work: opening one succeeds and
     * only the first read fails, with an error ("Is a directory") that names no file. A FIFO or a
     * device (process substitution, /dev/stdin) is read as a file is.
     */
    public static void requireFile(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new FileSystemException(path.toString(), null, "is a directory, not a file");
        }
    }

    /** {@code e}, which names no file (a failed read), as an error naming {@code path}. */
    public static IOException named(Path path, IOException e) {
        IOException n = new FileSystemException(path.toString(), null, e.getMessage());
        n.initCause(e);
        return n;
    }

    private static IOException tooLarge(Path path, String size, long maxBytes, String what) {
        return new IOException(path + ": " + size + " bytes; a " + what + " has 0.." + maxBytes + " bytes");
    }
}
