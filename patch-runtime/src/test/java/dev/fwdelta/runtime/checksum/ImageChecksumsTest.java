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
        assertEquals(all.crc32(), compact.crc32());

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
}
