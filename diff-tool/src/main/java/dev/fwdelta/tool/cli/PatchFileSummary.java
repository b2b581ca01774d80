// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.apply.BlockLayoutCheck;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.BlockHeader;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Reads a patch file without the old image: its checked header, and a walk over the block headers
 * that hashes the payload and checks the block layout (indices, lengths inside the payload).
 */
record PatchFileSummary(PatchHeader header, byte[] headerBytes, long fileSize, long largestEncodedBlock,
                        long rawTotal, boolean payloadHashMatches) {

    static PatchFileSummary read(Path path) throws IOException {
        BoundedFile.requireFile(path);
        // A pipe's size is known only once it is read to its end: it is counted then (below).
        boolean sized = Files.isRegularFile(path);
        long fileSize = sized ? Files.size(path) : -1;
        try (InputStream in = open(path)) {
            byte[] head = headerBytes(in, path);
            PatchHeader h = parse(head, path);
            if (sized) {
                checkFileSize(path, fileSize, head.length, h);
            }
            MessageDigest sha = ImageChecksums.sha256Digest();
            // The applier's checks of payload_length, in its order, so that inspect and verify give
            // its error code (BAD_PAYLOAD_LENGTH) where the file ends with payload_length.
            if (h.payloadLength() < h.mapLength()) {
                throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length " + h.payloadLength()
                        + " cannot hold the " + h.mapLength() + "-byte relocation map");
            }
            byte[] map = in.readNBytes((int) h.mapLength());
            if (map.length < h.mapLength()) {
                throw new PatchException(ErrorCode.TRUNCATED, "patch ends inside the relocation map");
            }
            sha.update(map);
            long largest = 0;
            long raw = 0;
            long payloadLeft = h.payloadLength() - h.mapLength();
            byte[] buffer = new byte[8192];
            for (long i = 0; i < h.blockCount(); i++) {
                if (payloadLeft < (h.compact() ? Limits.MIN_COMPACT_BLOCK_HEADER_SIZE : Limits.BLOCK_HEADER_SIZE)) {
                    throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "payload_length " + h.payloadLength()
                            + " ends before block " + i + " of block_count " + h.blockCount());
                }
                ReadBlockHeader read = readBlockHeader(in, h, sha, i, payloadLeft);
                BlockHeader bh = read.header();
                payloadLeft -= read.size();
                // The applier's own checks, so that inspect and verify name the field that is
                // wrong rather than where the file ended.
                BlockLayoutCheck.check(h, i, bh.index(), bh.rawLength(), bh.encodedLength(), payloadLeft);
                payloadLeft -= bh.encodedLength();
                for (long left = bh.encodedLength(); left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new PatchException(ErrorCode.TRUNCATED, "patch ends inside block " + i);
                    }
                    sha.update(buffer, 0, n);
                    left -= n;
                }
                largest = Math.max(largest, bh.encodedLength());
                raw += bh.rawLength();
            }
            // One byte past the payload at most: a pipe may never end (a regular file's size was checked).
            long rest = skipUpTo(in, payloadLeft + 1);
            if (!sized) {
                fileSize = checkPipedSize(path, head.length, h, payloadLeft, rest);
            }
            if (rest != 0) {
                throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH,
                        rest + " payload bytes after the last of block_count " + h.blockCount() + " blocks");
            }
            boolean hashOk = h.payloadSha256() == null || MessageDigest.isEqual(sha.digest(), h.payloadSha256());
            return new PatchFileSummary(h, head, fileSize, largest, raw, hashOk);
        }
    }

    /**
     * Refuses a PATCH that can be read only once (a pipe, a device) to a command that opens it more
     * than once: the second open would find it empty, or the rest of it, and call a good patch bad.
     * A missing file or a directory gets the error of its read.
     */
    static void requireRereadable(Path path, String command) {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            throw new IllegalArgumentException("PATCH " + path + " is not a regular file (a pipe or a device): "
                    + command + " reads a patch more than once; save it to a file first");
        }
    }

    /**
     * The patch file's bytes, buffered. Files.newInputStream's stream asks a pipe for its position
     * when a read comes short (its available(), which BufferedInputStream calls) and fails with
     * "Illegal seek"; FileInputStream asks the pipe how much it holds.
     */
    private static InputStream open(Path path) throws IOException {
        return new BufferedInputStream(Files.isRegularFile(path) ? Files.newInputStream(path)
                : new FileInputStream(path.toFile()));
    }

    /**
     * A whole patch read into memory, checked as far as its header can check it without walking the
     * payload: the header parses and the file is as long as header + payload_length, with the errors
     * {@code apply} gives. For the commands that hold a patch whole ({@code sign}, and {@code send}
     * before it opens a port). The header is read and checked first, and at
     * most one byte past header + payload_length: a file that is no patch, or a patch followed by
     * more (/dev/zero, a large file given by mistake), is refused without being read to its end.
     */
    static byte[] readWhole(Path path) throws IOException {
        BoundedFile.requireAtMost(path, BoundedFile.MAX_BYTES, "patch file");
        try (InputStream in = open(path)) {
            byte[] head = headerBytes(in, path);
            PatchHeader h = parse(head, path);
            if (Files.isRegularFile(path)) {
                checkFileSize(path, Files.size(path), head.length, h); // before the payload is read
            }
            long expected = head.length + h.payloadLength();
            if (expected > BoundedFile.MAX_BYTES) {
                throw new IOException(path + ": header + payload_length is " + expected + " bytes; a patch file read "
                        + "whole has 0.." + BoundedFile.MAX_BYTES + " bytes");
            }
            // readNBytes grows its buffer with the bytes read, not with the length asked for
            byte[] payload = in.readNBytes((int) h.payloadLength());
            if (payload.length == h.payloadLength() && in.read() >= 0) {
                throw new PatchException(ErrorCode.TRAILING_BYTES, path + ": file has more than " + expected
                        + " bytes, header + payload_length is " + expected);
            }
            checkFileSize(path, head.length + payload.length, head.length, h);
            byte[] whole = Arrays.copyOf(head, (int) expected);
            System.arraycopy(payload, 0, whole, head.length, payload.length);
            return whole;
        }
    }

    /** The patch's header alone, checked: what {@code apply} looks at before it writes anything. */
    static PatchHeader readHeader(Path path) throws IOException {
        BoundedFile.requireFile(path);
        try (InputStream in = Files.newInputStream(path)) {
            return parse(headerBytes(in, path), path);
        }
    }

    /** PAYLOAD_HASH naming the file: the payload does not match the header's payload_sha256. */
    static PatchException payloadHashError(Path path) {
        return new PatchException(ErrorCode.PAYLOAD_HASH, path + ": payload SHA-256 differs from the header's payload_sha256");
    }

    /** Reads and drops up to {@code max} bytes of {@code in}: how many there were. */
    private static long skipUpTo(InputStream in, long max) throws IOException {
        byte[] buffer = new byte[8192];
        long n = 0;
        while (n < max) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, max - n));
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /**
     * The size of a patch read from a pipe, checked as a file's size is: the payload bytes walked
     * ({@code payloadLength - payloadLeft}) and the {@code rest} after them, read up to one byte
     * more than the header's payload_length leaves.
     */
    private static long checkPipedSize(Path path, int headerSize, PatchHeader h, long payloadLeft, long rest)
            throws PatchException {
        long expected = headerSize + h.payloadLength();
        if (rest > payloadLeft) {
            throw new PatchException(ErrorCode.TRAILING_BYTES, path + ": file has more than " + expected
                    + " bytes, header + payload_length is " + expected);
        }
        long fileSize = expected - payloadLeft + rest;
        checkFileSize(path, fileSize, headerSize, h);
        return fileSize;
    }

    private static void checkFileSize(Path path, long fileSize, int headerSize, PatchHeader h) throws PatchException {
        long expected = headerSize + h.payloadLength();
        if (fileSize != expected) {
            throw new PatchException(fileSize < expected ? ErrorCode.TRUNCATED : ErrorCode.TRAILING_BYTES,
                    path + ": file has " + fileSize + " bytes, header + payload_length is " + expected);
        }
    }

    /** The header in {@code head}, checked; an error names the file. */
    private static PatchHeader parse(byte[] head, Path path) throws PatchException {
        try {
            return PatchHeader.parse(head);
        } catch (PatchException e) {
            throw named(path, e);
        }
    }

    /** {@code e} with the file's name before its detail, as the file's other errors have it. */
    static PatchException named(Path path, PatchException e) {
        return new PatchException(e.code(), path + ": " + e.detail(), e);
    }

    /** The header's bytes: its size comes from the checked prefix (at most 256 bytes). */
    private static byte[] headerBytes(InputStream in, Path path) throws IOException {
        byte[] prefix = in.readNBytes(PatchHeader.PREFIX_SIZE);
        PatchKind kind = PatchKind.of(prefix);
        if (kind != PatchKind.FWDELTA && prefix.length >= PatchHeader.MAGIC.length) {
            throw PatchKind.notFwdelta(path, kind);
        }
        byte[] head;
        try {
            head = new byte[PatchHeader.sizeFromPrefix(prefix)];
        } catch (PatchException e) {
            throw named(path, e);
        }
        System.arraycopy(prefix, 0, head, 0, prefix.length);
        if (in.readNBytes(head, prefix.length, head.length - prefix.length) != head.length - prefix.length) {
            throw new PatchException(ErrorCode.TRUNCATED, path + ": patch ends inside its " + head.length + "-byte header");
        }
        return head;
    }

    /** A block header and how many bytes of the payload it took. */
    private record ReadBlockHeader(BlockHeader header, int size) {
    }

    /** Block {@code i}'s header, which must end within the {@code payloadLeft} bytes of the payload left. */
    private static ReadBlockHeader readBlockHeader(InputStream in, PatchHeader h, MessageDigest sha, long i,
                                                   long payloadLeft) throws IOException {
        byte[] b = new byte[Math.max(Limits.BLOCK_HEADER_SIZE, Limits.MAX_COMPACT_BLOCK_HEADER_SIZE)];
        int n = 0;
        while (h.compact() ? !BlockHeader.compactComplete(b, n) : n < Limits.BLOCK_HEADER_SIZE) {
            if (n == payloadLeft || n == b.length) {
                throw new PatchException(ErrorCode.BAD_PAYLOAD_LENGTH, "block " + i
                        + " header does not end within the payload");
            }
            int x = in.read();
            if (x < 0) {
                throw new PatchException(ErrorCode.TRUNCATED, "patch ends inside the header of block " + i);
            }
            b[n++] = (byte) x;
        }
        sha.update(b, 0, n);
        return new ReadBlockHeader(h.compact() ? BlockHeader.parseCompact(b, n) : BlockHeader.parse(b), n);
    }
}
