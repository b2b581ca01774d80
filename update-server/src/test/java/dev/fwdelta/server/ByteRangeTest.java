// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Range numbers of any length: a LAST past the end is clipped to it, a FIRST past the end is 416 naming the size. */
class ByteRangeTest {
    @Test
    void aLastOfAnyLengthIsClippedToTheSize() {
        assertEquals(new ByteRange(0, 4999), ByteRange.parse("bytes=0-999999999999999999", 5000));
        assertEquals(new ByteRange(0, 4999), ByteRange.parse("bytes=0-99999999999999999999", 5000));
        assertEquals(new ByteRange(10, 4999), ByteRange.parse("bytes=10-" + "9".repeat(400), 5000));
        assertEquals(new ByteRange(7, 7), ByteRange.parse("bytes=0000000000000000000007-7", 5000));
    }

    @Test
    void aFirstOfAnyLengthPastTheEndIs416NamingTheSize() {
        for (String range : new String[] {"bytes=5000-", "bytes=99999999999999999999-", "bytes=9223372036854775808-9"}) {
            HttpError e = assertThrows(HttpError.class, () -> ByteRange.parse(range, 5000), range);
            assertEquals(416, e.status, range);
            assertEquals("bytes */5000", e.headers.get("Content-Range"), range);
            assertEquals("Range first byte must be below the size 5000 and not after the last", e.getMessage(), range);
        }
    }
}
