// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.util.HexFormat;

/**
 * The SHA-256 of one offered artifact, updated as its bytes arrive (nothing of it is kept), to be
 * compared with the check-in answer's hash once the last byte is in. Its state can be saved
 * ({@link #checkpoint}) and a digest resumed from it ({@link #resume}): a new process (a reboot)
 * continues the hash where the saved one stopped. The download then starts at the lower of the
 * agent's resume offset and {@link #hashed()}: bytes sent again that were hashed already are not
 * hashed twice, and bytes the agent has but the digest has not are fetched again for the digest
 * only, so that the hash always covers the whole artifact.
 */
final class DownloadDigest {
    private final String expected;
    private final ResumableSha256 sha256;

    /** A digest for the artifact the check-in answer names by {@code expectedSha256} (hex). */
    DownloadDigest(String expectedSha256) {
        this(expectedSha256, new ResumableSha256());
    }

    private DownloadDigest(String expected, ResumableSha256 sha256) {
        this.expected = expected;
        this.sha256 = sha256;
    }

    /** The digest a saved checkpoint holds (its fields already checked by {@link DownloadCheckpoint}). */
    static DownloadDigest resume(DownloadCheckpoint c) {
        return new DownloadDigest(c.artifactSha256(), ResumableSha256.fromState(c.hashed(), c.state()));
    }

    /** Its state now, to be saved beside the agent's progress of the patch whose header hashes to {@code headerSha256}. */
    DownloadCheckpoint checkpoint(String headerSha256) {
        return new DownloadCheckpoint(expected, headerSha256, sha256.length(), sha256.stateHex());
    }

    /** Bytes hashed so far: the artifact's first {@code hashed()} bytes. */
    long hashed() {
        return sha256.length();
    }

    /**
     * Bytes {@code b[off, off+len)} that are the artifact's bytes from offset {@code at} on, where
     * {@code at <= hashed()}: the part already hashed is skipped.
     */
    void update(long at, byte[] b, int off, int len) {
        long hashed = sha256.length();
        if (at > hashed) {
            throw new IllegalStateException("bytes from " + at + " given to a digest of the first " + hashed);
        }
        int skip = (int) Math.min(len, hashed - at); // sent again after a resume: hashed already
        sha256.update(b, off + skip, len - skip);
    }

    /**
     * After the whole artifact of {@code size} bytes was hashed: refuses it (PAYLOAD_HASH) when it
     * is not the one the check-in answer named, before anything of it is staged as bootable.
     */
    void check(String url, long size) throws PatchException {
        if (sha256.length() != size) {
            throw new IllegalStateException(sha256.length() + " bytes hashed of a " + size + "-byte artifact");
        }
        String got = HexFormat.of().formatHex(sha256.digest());
        if (!got.equals(expected)) {
            throw new PatchException(ErrorCode.PAYLOAD_HASH, "the download of " + url + " hashes to SHA-256 " + got
                    + ", not to the check-in answer's " + expected + ": refused before install");
        }
    }
}
