// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that stops reading its port (a USB CDC-ACM device whose firmware hangs): once the
 * buffers between host and device are full, a write blocks, and on Linux jSerialComm's write
 * ignores its timeout. {@link SerialLink} ends such a write after what the buffers and the write
 * need at the line's rate (5 s at least) with an error naming the device; before, the write and
 * `fwdelta send` blocked for ever. A socat pty pair whose device end is open and never read.
 * The bytes written are counted; the 60 s bound only guards against the hang.
 */
class SerialStallTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aDeviceThatStopsReadingEndsTheWriteWithAnErrorNamingIt() throws Exception {
        try (PtyPair pty = new PtyPair(dir);
             FileInputStream unread = new FileInputStream(pty.device.toFile());
             SerialLink link = SerialLink.open(pty.host.toString(), 115_200)) {
            byte[] frame = new byte[1035];
            long[] written = {0};
            IOException e = assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(IOException.class, () -> {
                while (true) {
                    link.write(frame, 0, frame.length);
                    written[0] += frame.length;
                }
            }));
            assertEquals("the device on " + pty.host + " stopped taking data: a write of 1035 bytes was not taken in "
                    + "5.8 s", e.getMessage());
            // What the pty pair buffers, not what a host would write if nothing stopped it.
            assertTrue(written[0] > 0 && written[0] < SerialLink.MAX_BUFFERED_BYTES * 4L, written[0] + " bytes");
        }
    }

    @Test
    void aWriteMayTakeWhatTheBufferedBytesNeedAtTheLineRate() {
        assertEquals(SerialLink.MIN_WRITE_STALL_MS, SerialLink.writeLimitMs(1035, 4_000_000));
        assertEquals(5778, SerialLink.writeLimitMs(1035, 115_200));
        assertEquals(554_758, SerialLink.writeLimitMs(1035, 1200), "at 1200 baud 64 KiB take minutes");
    }
}
