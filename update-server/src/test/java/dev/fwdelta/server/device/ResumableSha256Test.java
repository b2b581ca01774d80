// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The device's own SHA-256 against the JDK's, for every length across the padding's boundaries and
 * for seeded random data fed in random pieces, its state written out and read back into a new
 * object at random points (as a new process resumes a download): the hash must not change.
 */
class ResumableSha256Test {
    @Test
    void everyLengthUpTo300HashesAsTheJdks() throws Exception {
        Random r = new Random(1);
        byte[] data = new byte[300];
        r.nextBytes(data);
        for (int n = 0; n <= data.length; n++) {
            ResumableSha256 s = new ResumableSha256();
            s.update(data, 0, n);
            assertArrayEquals(jdk(data, n), s.digest(), "length " + n);
            assertEquals(n, s.length());
        }
    }

    @Test
    void aStateWrittenOutAndReadBackContinuesTheSameHash() throws Exception {
        Random r = new Random(2);
        for (int round = 0; round < 40; round++) {
            byte[] data = new byte[r.nextInt(20_000)];
            r.nextBytes(data);
            ResumableSha256 s = new ResumableSha256();
            int resumes = 0;
            for (int at = 0; at < data.length; ) {
                int piece = Math.min(data.length - at, 1 + r.nextInt(5000));
                s.update(data, at, piece);
                at += piece;
                String state = s.stateHex();
                assertEquals(2 * (ResumableSha256.WORDS_BYTES + at % ResumableSha256.BLOCK), state.length());
                s = ResumableSha256.fromState(at, state); // the old object is dropped, as a process is
                resumes++;
            }
            assertArrayEquals(jdk(data, data.length), s.digest(), "round " + round + ", " + resumes + " resumes");
        }
    }

    @Test
    void aStateOfTheWrongLengthIsRefused() {
        String words = "0".repeat(64);
        assertThrows(IllegalArgumentException.class, () -> ResumableSha256.fromState(3, words));
        assertThrows(IllegalArgumentException.class, () -> ResumableSha256.fromState(64, words + "00"));
        assertThrows(IllegalArgumentException.class, () -> ResumableSha256.fromState(-1, words));
    }

    private static byte[] jdk(byte[] data, int n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, 0, n);
        return md.digest();
    }
}
