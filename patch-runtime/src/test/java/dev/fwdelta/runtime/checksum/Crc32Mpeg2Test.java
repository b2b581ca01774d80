// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.TestPatch;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc32Mpeg2Test {
    @Test
    void checkValueOfTheCatalogue() {
        Crc32Mpeg2 c = new Crc32Mpeg2();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9);
        assertEquals(0x0376E6E7L, c.getValue());
    }

    @Test
    void tableMatchesTheBitwiseDefinitionAndSplitUpdates() {
        byte[] data = TestPatch.bytes(9, 1000);
        Crc32Mpeg2 c = new Crc32Mpeg2();
        c.update(data, 0, 300);
        for (int i = 300; i < 1000; i++) {
            c.update(data[i]);
        }
        assertEquals(TestPatch.crcMpeg2(data) & 0xFFFFFFFFL, c.getValue());
        c.reset();
        assertEquals(0xFFFFFFFFL, c.getValue());
    }
}
