// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.checksum;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** Size, CRC-32 (IEEE), CRC-32/MPEG-2 and SHA-256 of an image: what the header records of it. */
public record ImageChecksums(long size, long crc32, long crc32Mpeg2, byte[] sha256) {
    /** crc32Mpeg2 of a format-3 header, which does not record it: compared as "any". */
    public static final long MPEG2_NOT_RECORDED = -1;


    public ImageChecksums {
        sha256 = sha256.clone();
        if (sha256.length != 32) {
            throw new IllegalArgumentException("sha256 must be 32 bytes, got " + sha256.length);
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public static ImageChecksums of(byte[] image) {
        Accumulator a = new Accumulator();
        a.update(image, 0, image.length);
        return a.result();
    }

    /**
     * What a format-3 header records of an image: size, CRC-32 and SHA-256, no CRC-32/MPEG-2
     * (a byte-at-a-time table walk: a tenth of a large image's diff time for a value not written).
     */
    public static ImageChecksums forCompactHeader(byte[] image) {
        CRC32 crc = new CRC32();
        crc.update(image, 0, image.length);
        return new ImageChecksums(image.length, crc.getValue(), MPEG2_NOT_RECORDED, sha256Digest().digest(image));
    }

    public boolean matches(ImageChecksums other) {
        boolean mpeg2 = crc32Mpeg2 == MPEG2_NOT_RECORDED || other.crc32Mpeg2 == MPEG2_NOT_RECORDED
                || crc32Mpeg2 == other.crc32Mpeg2;
        return size == other.size && crc32 == other.crc32 && mpeg2 && MessageDigest.isEqual(sha256, other.sha256);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageChecksums other && matches(other);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(crc32) * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        // only the checksums recorded: a format-3 header has no CRC-32/MPEG-2, and a WRONG_BASE_IMAGE
        // message must not show a made-up ffffffff for it
        String mpeg2 = crc32Mpeg2 == MPEG2_NOT_RECORDED ? "" : String.format(" crc32-mpeg2=%08x", crc32Mpeg2);
        return String.format("size=%d crc32=%08x%s sha256=%s", size, crc32, mpeg2, HexFormat.of().formatHex(sha256));
    }

    /** Computes all checksums of a stream of bytes in one pass, with constant memory. */
    public static final class Accumulator {
        private final CRC32 crc = new CRC32();
        /** Null when the CRC-32/MPEG-2 is not wanted: its result is then MPEG2_NOT_RECORDED. */
        private final Crc32Mpeg2 mpeg2;
        private final MessageDigest sha = sha256Digest();
        private long size;

        /** All checksums, the CRC-32/MPEG-2 included. */
        public Accumulator() {
            this(true);
        }

        private Accumulator(boolean withMpeg2) {
            this.mpeg2 = withMpeg2 ? new Crc32Mpeg2() : null;
        }

        /**
         * The checksums {@code expected} records, to check an image against it: a format-3
         * header records no CRC-32/MPEG-2, whose byte-at-a-time table walk was a tenth of an
         * apply's time.
         */
        public static Accumulator toCheck(ImageChecksums expected) {
            return new Accumulator(expected.crc32Mpeg2() != MPEG2_NOT_RECORDED);
        }

        public void update(byte[] b, int off, int len) {
            crc.update(b, off, len);
            if (mpeg2 != null) {
                mpeg2.update(b, off, len);
            }
            sha.update(b, off, len);
            size += len;
        }

        public long size() {
            return size;
        }

        public ImageChecksums result() {
            return new ImageChecksums(size, crc.getValue(), mpeg2 == null ? MPEG2_NOT_RECORDED : mpeg2.getValue(),
                    sha.digest());
        }
    }

    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
