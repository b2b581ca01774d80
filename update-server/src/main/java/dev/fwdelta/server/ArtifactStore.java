// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.tool.io.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The static store patches and images are served from: a directory of files named by their SHA-256
 * ({@code ab/abcdef...}). Content addressing makes it shareable by any number of servers and
 * publishable as is on a CDN; the only name a request can reach is a checked SHA-256.
 */
final class ArtifactStore {
    private final Path root;

    ArtifactStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
    }

    Path root() {
        return root;
    }

    /**
     * Removes the partial uploads a server killed mid-upload left behind: those not written to for
     * twice {@code uploadLimit}. Every upload ends within that limit, so a part that old belongs to
     * no upload of any server sharing the store (twice: their clocks may differ a little); a
     * younger one may be another server's upload in progress, and is left. Returns how many went.
     */
    int removeAbandonedUploads(Duration uploadLimit) throws IOException {
        Instant before = Instant.now().minus(uploadLimit.multipliedBy(2));
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(root, PART_PREFIX + "*" + PART_SUFFIX)) {
            for (Path part : parts) {
                FileTime written = Files.getLastModifiedTime(part);
                if (written.toInstant().isBefore(before) && Files.deleteIfExists(part)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static final String PART_PREFIX = "upload-";
    private static final String PART_SUFFIX = ".part";

    /** The file of an artifact (which may not exist): only for a name that passed {@link Fields#sha256}. */
    Path path(String sha) {
        Fields.sha256("sha256", sha);
        return root.resolve(sha.substring(0, 2)).resolve(sha);
    }

    /**
     * Streams an upload into the store. It is kept only when it is at most {@code maxBytes} long and
     * hashes to {@code sha}; otherwise nothing is left behind, not even its directory. Returns its size.
     */
    long put(String sha, InputStream in, long maxBytes) throws IOException {
        Path target = path(sha);
        Path tmp = Files.createTempFile(root, PART_PREFIX, PART_SUFFIX);
        try {
            MessageDigest md = sha256();
            long n = 0;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                    if (n > maxBytes) {
                        throw new HttpError(413, "upload is larger than the limit of " + maxBytes + " bytes");
                    }
                    out.write(buf, 0, r);
                }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(sha)) {
                throw HttpError.badRequest("upload hashes to " + got + ", not to the name " + sha);
            }
            // Its ab/ directory only now: a refused upload leaves no empty directory behind either.
            if (!Files.isDirectory(target.getParent())) {
                Files.createDirectories(target.getParent());
                DurableFiles.forceDirectory(root);
            }
            // Durably: the database row published next names this file, which a power cut after
            // the rename must not leave empty.
            DurableFiles.replace(tmp, target);
            return n;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
