// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.transport.Link;
import java.io.ByteArrayOutputStream;
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
        return scripted(new ByteArrayOutputStream(), replies);
    }

    /** As {@link #scripted(int...)}, keeping every byte the client sends in {@code sent}. */
    private static Link scripted(ByteArrayOutputStream sent, int... replies) {
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
                sent.write(b, off, len);
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
        return concat(SYNC_AND_GET, getIdReply);
    }

    private static int[] concat(int[] head, int[] tail) {
        int[] all = new int[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** docs/STM32-FLASH.md with its lines joined, as a message wrapped there reads unwrapped. */
    private static String unwrappedDoc() throws IOException {
        return Files.readString(Path.of("../docs/STM32-FLASH.md")).replaceAll("\\s*\\n\\s*", " ");
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
        assertTrue(unwrappedDoc().contains("(" + e.getMessage() + ")"), e.getMessage());
    }

    /** Sync, Get (Get and Get ID, no Extended Erase: only the legacy Erase 0x43), Get ID {@code pid}. */
    private static int[] legacyEraseDevice(int pid, int... more) {
        int[] head = {ACK, ACK, 2, 0x31, An3155.GET, An3155.GET_ID, ACK, ACK, 1, pid >>> 8, pid & 0xFF, ACK};
        return concat(head, more);
    }

    /** Connects to the device that answers {@code replies} and erases {@code pages}: refused, nothing sent. */
    private static IOException refusedErase(int[] replies, int... pages) throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, replies), 50);
        client.connect();
        sent.reset();
        IOException e = assertThrows(IOException.class, () -> client.erase(pages));
        assertEquals(0, sent.size(), "bytes sent: " + sent);
        return e;
    }

    /**
     * Erase 0x43 carries a page number in one byte: page 300 of a 512-page L476 went out as page
     * 44 (300 - 256) and erased it. Now nothing is sent and the error names the field and range.
     */
    @Test
    void aLegacyErasePageBeyondOneByteIsRefusedBeforeAnythingIsSent() throws Exception {
        IOException e = refusedErase(legacyEraseDevice(0x415, ACK, ACK), 300);
        assertTrue(e.getMessage().contains("page number 300 outside the 0..255 that Erase 0x43 carries"),
                e.getMessage());
        assertTrue(unwrappedDoc().contains("`" + e.getMessage() + "`"), "docs/STM32-FLASH.md shows " + e.getMessage());
    }

    /** A part whose bootloader needs Extended Erase, behind a Get list without it, is refused for any page. */
    @Test
    void aPartThatNeedsExtendedEraseIsRefusedWithoutIt() throws Exception {
        IOException e = refusedErase(legacyEraseDevice(0x415, ACK, ACK), 3);
        assertTrue(e.getMessage().contains("l476 needs Extended Erase 0x44"), e.getMessage());
    }

    /** One Erase 0x43 carries at most 256 pages (its count byte is pages - 1). */
    @Test
    void aLegacyEraseOfMoreThan256PagesIsRefused() throws Exception {
        IOException e = refusedErase(legacyEraseDevice(0x440, ACK, ACK), new int[257]);
        assertTrue(e.getMessage().contains("page count 257 outside the 1..256 that Erase 0x43 carries"),
                e.getMessage());
    }

    /** Extended Erase carries 16-bit page numbers; 0xFFFF and its neighbours mean mass erase. */
    @Test
    void anErasePastThePartsLastPageIsRefused() throws Exception {
        for (int page : new int[] {12, 0xFFFF, 0x10003, -1}) {
            IOException e = refusedErase(then(ACK, 1, 0x04, 0x13, ACK, ACK, ACK), page);
            assertTrue(e.getMessage().contains("page number " + page + " outside the 0..11 of the f405"),
                    e.getMessage());
        }
    }

    /** AN3155's Erase: the command and its complement, then pages - 1, the page numbers, their XOR. */
    @Test
    void aLegacyEraseSendsCountPagesAndChecksum() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, legacyEraseDevice(0x440, ACK, ACK)), 50);
        client.connect();
        sent.reset();
        client.erase(new int[] {3});
        assertArrayEquals(new byte[] {0x43, (byte) 0xBC, 0x00, 0x03, 0x03}, sent.toByteArray());
    }
}
