// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageChecksumsTest {
    private static ImageChecksums accumulate(ImageChecksums.Accumulator a, byte[] image) {
        a.update(image, 0, 100);
        a.update(image, 100, image.length - 100);
        return a.result();
    }

    @Test
    void anImageIsCheckedForWhatItsHeaderRecords() {
        byte[] image = new byte[5000];
        new Random(3).nextBytes(image);
        ImageChecksums all = ImageChecksums.of(image);
        ImageChecksums compact = ImageChecksums.forCompactHeader(image);
        assertEquals(ImageChecksums.MPEG2_NOT_RECORDED, compact.crc32Mpeg2());
        assertEquals(ImageChecksums.CRC32_NOT_RECORDED, compact.crc32(), "the builder writes flag SHA_ONLY");

        // a format-2 header records the CRC-32/MPEG-2: it is computed and compared
        ImageChecksums checked = accumulate(ImageChecksums.Accumulator.toCheck(all), image);
        assertEquals(all.crc32Mpeg2(), checked.crc32Mpeg2());
        assertTrue(checked.matches(all));
        ImageChecksums wrongMpeg2 = new ImageChecksums(all.size(), all.crc32(), all.crc32Mpeg2() ^ 1, all.sha256());
        assertFalse(accumulate(ImageChecksums.Accumulator.toCheck(wrongMpeg2), image).matches(wrongMpeg2));

        // a format-3 header does not: it is left out, and the other checksums still decide
        ImageChecksums skipped = accumulate(ImageChecksums.Accumulator.toCheck(compact), image);
        assertEquals(ImageChecksums.MPEG2_NOT_RECORDED, skipped.crc32Mpeg2());
        assertTrue(skipped.matches(compact));
        image[4999] ^= 1;
        assertFalse(accumulate(ImageChecksums.Accumulator.toCheck(compact), image).matches(compact));
    }

    /** Flag SHA_ONLY (FORMAT.md 1.2): no CRC-32, the old image's SHA-256 by its first 16 bytes. */
    @Test
    void aShaOnlyRecordIsComparedOnTheBytesItHas() {
        byte[] image = new byte[3000];
        new Random(5).nextBytes(image);
        ImageChecksums all = ImageChecksums.of(image);
        ImageChecksums half = all.shaOnly(ImageChecksums.SHORT_SHA256_BYTES);
        assertEquals(ImageChecksums.CRC32_NOT_RECORDED, half.crc32());
        assertEquals(16, half.sha256().length);
        assertTrue(half.matches(all) && all.matches(half), "a measurement with every checksum matches it");
        assertEquals(all.hashCode(), half.hashCode(), "equal, so the same hash code");
        ImageChecksums checked = accumulate(ImageChecksums.Accumulator.toCheck(half), image);
        assertEquals(ImageChecksums.CRC32_NOT_RECORDED, checked.crc32(), "no CRC computed for a header without one");
        assertTrue(checked.matches(half));

        byte[] sha = all.sha256();
        for (int at : new int[] {0, 15}) {
            byte[] wrong = sha.clone();
            wrong[at] ^= 1;
            ImageChecksums other = new ImageChecksums(all.size(), all.crc32(), all.crc32Mpeg2(), wrong);
            assertFalse(half.matches(other), "SHA-256 byte " + at + " is compared");
        }
        byte[] tail = sha.clone();
        tail[16] ^= 1; // past what the header records: cannot be compared
        assertTrue(half.matches(new ImageChecksums(all.size(), all.crc32(), all.crc32Mpeg2(), tail)));
        assertFalse(half.matches(new ImageChecksums(all.size() + 1, all.crc32(), all.crc32Mpeg2(), sha)), "size");
    }
}
