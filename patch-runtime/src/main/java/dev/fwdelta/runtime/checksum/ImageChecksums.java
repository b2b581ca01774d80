// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.checksum;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Size, CRC-32 (IEEE), CRC-32/MPEG-2 and SHA-256 of an image: what the header records of it.
 * A header may leave checksums out (docs/FORMAT.md 1.2): a CRC it does not record is compared as
 * "any", and a SHA-256 it records in part ({@link #SHORT_SHA256_BYTES}, the old image under flag
 * SHA_ONLY) is compared on the bytes it has.
 */
public record ImageChecksums(long size, long crc32, long crc32Mpeg2, byte[] sha256) {
    /** crc32Mpeg2 of a format-3 header, which does not record it: compared as "any". */
    public static final long MPEG2_NOT_RECORDED = -1;
    /** crc32 of a format-3 header with flag SHA_ONLY, which does not record it: compared as "any". */
    public static final long CRC32_NOT_RECORDED = -1;
    /** Bytes of the old image's SHA-256 a header with flag SHA_ONLY records: its first half. */
    public static final int SHORT_SHA256_BYTES = 16;

    public ImageChecksums {
        sha256 = sha256.clone();
        if (sha256.length != 32 && sha256.length != SHORT_SHA256_BYTES) {
            throw new IllegalArgumentException("sha256 must be 32 or " + SHORT_SHA256_BYTES + " bytes, got "
                    + sha256.length);
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
     * What a format-3 header with flag SHA_ONLY records of an image, before the old image's
     * SHA-256 is cut to its first half ({@link #shaOnly}): size and SHA-256.
     */
    public static ImageChecksums forCompactHeader(byte[] image) {
        return new ImageChecksums(image.length, CRC32_NOT_RECORDED, MPEG2_NOT_RECORDED, sha256Digest().digest(image));
    }

    /**
     * These checksums as a header with flag SHA_ONLY records them: no CRC, and the first
     * {@code shaBytes} (16 or 32) bytes of the SHA-256.
     */
    public ImageChecksums shaOnly(int shaBytes) {
        return new ImageChecksums(size, CRC32_NOT_RECORDED, MPEG2_NOT_RECORDED, Arrays.copyOf(sha256, shaBytes));
    }

    /** Whether the CRC-32 (IEEE) is recorded. */
    public boolean hasCrc32() {
        return crc32 != CRC32_NOT_RECORDED;
    }

    public boolean matches(ImageChecksums other) {
        boolean crc = !hasCrc32() || !other.hasCrc32() || crc32 == other.crc32;
        boolean mpeg2 = crc32Mpeg2 == MPEG2_NOT_RECORDED || other.crc32Mpeg2 == MPEG2_NOT_RECORDED
                || crc32Mpeg2 == other.crc32Mpeg2;
        int n = Math.min(sha256.length, other.sha256.length);
        return size == other.size && crc && mpeg2
                && MessageDigest.isEqual(Arrays.copyOf(sha256, n), Arrays.copyOf(other.sha256, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageChecksums other && matches(other);
    }

    @Override
    public int hashCode() {
        // only what every recorded form has: equal checksums may differ in their CRC's presence and SHA's length
        return Long.hashCode(size) * 31 + Arrays.hashCode(Arrays.copyOf(sha256, SHORT_SHA256_BYTES));
    }

    @Override
    public String toString() {
        // only the checksums recorded: a format-3 header has no CRC-32/MPEG-2, and a WRONG_BASE_IMAGE
        // message must not show a made-up ffffffff for it
        return "size=" + size + " " + checksumsText();
    }

    /** The recorded checksums without the size, e.g. {@code crc32=1a2b3c4d sha256=...}. */
    public String checksumsText() {
        String crc = hasCrc32() ? String.format("crc32=%08x ", crc32) : "";
        String mpeg2 = crc32Mpeg2 == MPEG2_NOT_RECORDED ? "" : String.format("crc32-mpeg2=%08x ", crc32Mpeg2);
        String sha = sha256.length == 32 ? "sha256=" : "sha256[0..15]=";
        return crc + mpeg2 + sha + HexFormat.of().formatHex(sha256);
    }

    /** Computes all checksums of a stream of bytes in one pass, with constant memory. */
    public static final class Accumulator {
        /** Null when the CRC-32 is not wanted: its result is then CRC32_NOT_RECORDED. */
        private final CRC32 crc;
        /** Null when the CRC-32/MPEG-2 is not wanted: its result is then MPEG2_NOT_RECORDED. */
        private final Crc32Mpeg2 mpeg2;
        private final MessageDigest sha = sha256Digest();
        private long size;

        /** All checksums, the CRC-32/MPEG-2 included. */
        public Accumulator() {
            this(true, true);
        }

        private Accumulator(boolean withCrc, boolean withMpeg2) {
            this.crc = withCrc ? new CRC32() : null;
            this.mpeg2 = withMpeg2 ? new Crc32Mpeg2() : null;
        }

        /**
         * The checksums {@code expected} records, to check an image against it: a format-3
         * header records no CRC-32/MPEG-2, whose byte-at-a-time table walk was a tenth of an
         * apply's time, and with flag SHA_ONLY no CRC-32 either.
         */
        public static Accumulator toCheck(ImageChecksums expected) {
            return new Accumulator(expected.hasCrc32(), expected.crc32Mpeg2() != MPEG2_NOT_RECORDED);
        }

        public void update(byte[] b, int off, int len) {
            if (crc != null) {
                crc.update(b, off, len);
            }
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
            return new ImageChecksums(size, crc == null ? CRC32_NOT_RECORDED : crc.getValue(), mpeg2 == null ? MPEG2_NOT_RECORDED : mpeg2.getValue(),
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
