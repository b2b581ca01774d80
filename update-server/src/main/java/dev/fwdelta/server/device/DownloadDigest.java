// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of one offered artifact, updated as its bytes arrive (nothing of it is kept), to be
 * compared with the check-in answer's hash once the last byte is in. A download that resumes at
 * an earlier point than the bytes hashed so far (the agent continues at its last applied block)
 * hashes only the bytes past them; one that resumes past them (this device model was started
 * after they were received: a new process, a power cut) cannot be checked ({@link #complete}).
 */
final class DownloadDigest {
    private final String expected;
    private final MessageDigest sha256;
    private long hashed;

    /** A digest for the artifact the check-in answer names by {@code expectedSha256} (hex). */
    DownloadDigest(String expectedSha256) {
        this.expected = expectedSha256;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this digest is for the artifact named {@code sha256}. */
    boolean isFor(String sha256) {
        return expected.equals(sha256);
    }

    /** Bytes hashed so far: the artifact's first {@code hashed()} bytes. */
    long hashed() {
        return hashed;
    }

    /** Bytes {@code b[off, off+len)} that are the artifact's bytes from offset {@code at} on. */
    void update(long at, byte[] b, int off, int len) {
        if (at > hashed) {
            return; // a gap: what came before is not hashed, so the digest can no longer be whole
        }
        long skip = Math.min(len, hashed - at); // sent again after a resume: hashed already
        sha256.update(b, off + (int) skip, len - (int) skip);
        hashed += len - skip;
    }

    /** Whether every byte of an artifact of {@code size} bytes went through {@link #update}, in order. */
    boolean complete(long size) {
        return hashed == size;
    }

    /**
     * After the whole artifact was hashed: refuses it (PAYLOAD_HASH) when it is not the one the
     * check-in answer named, before anything of it is staged as bootable.
     */
    void check(String url) throws PatchException {
        String got = HexFormat.of().formatHex(sha256.digest());
        if (!got.equals(expected)) {
            throw new PatchException(ErrorCode.PAYLOAD_HASH, "the download of " + url + " hashes to SHA-256 " + got
                    + ", not to the check-in answer's " + expected + ": refused before install");
        }
    }
}
