// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.transport.Link;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The AN3155 client against a bootloader that answers from a script, whatever it is sent. */
class An3155ClientRepliesTest {
    private static final int ACK = An3155.ACK;

    /**
     * A link whose device end says {@code replies}, in order, then nothing: as a serial port, a
     * read with nothing to give waits out its timeout.
     */
    private static Link scripted(int... replies) {
        return new Link() {
            private int at;

            @Override
            public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
                int n = 0;
                while (n < len && at < replies.length) {
                    b[off + n++] = (byte) replies[at++];
                }
                if (n == 0) {
                    try {
                        Thread.sleep(timeoutMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                return n;
            }

            @Override
            public void write(byte[] b, int off, int len) {
            }

            @Override
            public String name() {
                return "scripted";
            }

            @Override
            public void close() {
            }
        };
    }

    /** Sync, then Get: bootloader 3.1 with Get, Get ID and Extended Erase. */
    private static final int[] SYNC_AND_GET = {ACK, ACK, 3, 0x31, An3155.GET, An3155.GET_ID, An3155.EXTENDED_ERASE, ACK};

    private static int[] then(int... getIdReply) {
        int[] all = new int[SYNC_AND_GET.length + getIdReply.length];
        System.arraycopy(SYNC_AND_GET, 0, all, 0, SYNC_AND_GET.length);
        System.arraycopy(getIdReply, 0, all, SYNC_AND_GET.length, getIdReply.length);
        return all;
    }

    @Test
    void aGetIdLengthOutsideItsRangeIsAnErrorNamingTheRange() throws Exception {
        assertEquals("f405", new An3155Client(scripted(then(ACK, 1, 0x04, 0x13, ACK)), 50).connect().name());
        for (int n : new int[] {0, 200}) {
            An3155Client client = new An3155Client(scripted(then(ACK, n, 0x04, ACK)), 50);
            IOException e = assertThrows(IOException.class, client::connect);
            assertTrue(e.getMessage().contains("Get ID (0x02) with a bad value for N (bytes - 1): " + n
                    + " (valid range 1..7)"), e.getMessage());
        }
    }

    /**
     * The message docs/STM32-FLASH.md shows for a chip that stops answering, with the silence
     * `stm32 flash` waits by default (its --timeout): the doc's example, unwrapped, holds it.
     */
    @Test
    void docsShowTheMessageOfASilentChipWithTheDefaultTimeout() throws Exception {
        String seconds = Main.commandLine().getSubcommands().get("stm32").getSubcommands().get("flash")
                .getCommandSpec().findOption("--timeout").defaultValue();
        int timeoutMs = (int) Math.round(Double.parseDouble(seconds) * 1000);
        // Sync, Get, Get ID; then Write Memory's command and address are acknowledged, its data never.
        An3155Client client = new An3155Client(scripted(then(ACK, 1, 0x04, 0x13, ACK, ACK, ACK)), timeoutMs);
        client.connect();
        IOException e = assertThrows(IOException.class, () -> client.write(0x0802_1300L, new byte[256]));
        String doc = Files.readString(Path.of("../docs/STM32-FLASH.md")).replaceAll("\\s*\\n\\s*", " ");
        assertTrue(doc.contains("(" + e.getMessage() + ")"), e.getMessage());
    }
}
