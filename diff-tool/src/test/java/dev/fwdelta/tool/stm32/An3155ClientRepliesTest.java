// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.transport.DeviceProtocolException;
import dev.fwdelta.tool.transport.Link;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The AN3155 client against a bootloader that answers from a script, whatever it is sent. */
class An3155ClientRepliesTest {
    private static final int ACK = An3155.ACK;

    /**
     * A link whose device end answers the client's k-th write with {@code answers[k]}, then
     * nothing: an answer arrives only once what it answers was sent, and, as on a serial port, a
     * read with nothing to give waits out its timeout. Every byte the client sends is kept in
     * {@code sent}.
     */
    private static Link scripted(ByteArrayOutputStream sent, int[]... answers) {
        return new Link() {
            private final Queue<Integer> arrived = new ArrayDeque<>();
            private int writes;

            @Override
            public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
                int n = 0;
                while (n < len && !arrived.isEmpty()) {
                    b[off + n++] = (byte) (int) arrived.remove();
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
                if (writes < answers.length) {
                    Arrays.stream(answers[writes]).forEach(arrived::add);
                }
                writes++;
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

    private static Link scripted(int[]... answers) {
        return scripted(new ByteArrayOutputStream(), answers);
    }

    private static int[] answer(int... bytes) {
        return bytes;
    }

    /** Get: bootloader 3.1 with Get, Get ID and Extended Erase. */
    private static final int[] GET_WITH_EXTENDED_ERASE = {ACK, 3, 0x31, An3155.GET, An3155.GET_ID,
        An3155.EXTENDED_ERASE, ACK};
    /** Get: bootloader 3.1 with Get and Get ID, no Extended Erase (so only the legacy Erase 0x43). */
    private static final int[] GET_WITHOUT_EXTENDED_ERASE = {ACK, 2, 0x31, An3155.GET, An3155.GET_ID, ACK};

    private static int[] getId(int pid) {
        return answer(ACK, 1, pid >>> 8, pid & 0xFF, ACK);
    }

    /** Sync, Get with Extended Erase, then {@code more}: the first of them answers Get ID. */
    private static int[][] then(int[]... more) {
        return Stream.concat(Stream.of(answer(ACK), GET_WITH_EXTENDED_ERASE), Stream.of(more)).toArray(int[][]::new);
    }

    /** An F405 (Extended Erase), connected, then {@code more}. */
    private static int[][] f405(int[]... more) {
        return Stream.concat(Stream.of(then(getId(0x413))), Stream.of(more)).toArray(int[][]::new);
    }

    /** A part {@code pid} whose Get list lacks Extended Erase, connected, then {@code more}. */
    private static int[][] legacyEraseDevice(int pid, int[]... more) {
        return Stream.concat(Stream.of(answer(ACK), GET_WITHOUT_EXTENDED_ERASE, getId(pid)), Stream.of(more))
                .toArray(int[][]::new);
    }

    /** docs/STM32-FLASH.md with its lines joined, as a message wrapped there reads unwrapped. */
    private static String unwrappedDoc() throws IOException {
        return Files.readString(Path.of("../docs/STM32-FLASH.md")).replaceAll("\\s*\\n\\s*", " ");
    }

    @Test
    void aGetIdLengthOutsideItsRangeIsAnErrorNamingTheRange() throws Exception {
        assertEquals("f405", new An3155Client(scripted(f405()), 50).connect().name());
        for (int n : new int[] {0, 200}) {
            An3155Client client = new An3155Client(scripted(then(answer(ACK, n, 0x04, ACK))), 50);
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
        // Write Memory's command and address are acknowledged, its data never.
        An3155Client client = new An3155Client(scripted(f405(answer(ACK), answer(ACK))), timeoutMs);
        client.connect();
        IOException e = assertThrows(IOException.class, () -> client.write(0x0802_1300L, new byte[256]));
        assertTrue(unwrappedDoc().contains("(" + e.getMessage() + ")"), e.getMessage());
    }

    /** Connects to the device that answers {@code answers} and erases {@code pages}: refused, nothing sent. */
    private static IOException refusedErase(int[][] answers, int... pages) throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, answers), 50);
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
        IOException e = refusedErase(legacyEraseDevice(0x415, answer(ACK), answer(ACK)), 300);
        assertTrue(e.getMessage().contains("page number 300 outside the 0..255 that Erase 0x43 carries"),
                e.getMessage());
        assertTrue(unwrappedDoc().contains("`" + e.getMessage() + "`"), "docs/STM32-FLASH.md shows " + e.getMessage());
    }

    /** A part whose bootloader needs Extended Erase, behind a Get list without it, is refused for any page. */
    @Test
    void aPartThatNeedsExtendedEraseIsRefusedWithoutIt() throws Exception {
        IOException e = refusedErase(legacyEraseDevice(0x415, answer(ACK), answer(ACK)), 3);
        assertTrue(e.getMessage().contains("l476 needs Extended Erase 0x44"), e.getMessage());
    }

    /** One Erase 0x43 carries at most 256 pages (its count byte is pages - 1). */
    @Test
    void aLegacyEraseOfMoreThan256PagesIsRefused() throws Exception {
        IOException e = refusedErase(legacyEraseDevice(0x440, answer(ACK), answer(ACK)), new int[257]);
        assertTrue(e.getMessage().contains("page count 257 outside the 1..256 that Erase 0x43 carries"),
                e.getMessage());
    }

    /** Extended Erase carries 16-bit page numbers; 0xFFFF and its neighbours mean mass erase. */
    @Test
    void anErasePastThePartsLastPageIsRefused() throws Exception {
        for (int page : new int[] {12, 0xFFFF, 0x10003, -1}) {
            IOException e = refusedErase(f405(answer(ACK), answer(ACK)), page);
            assertTrue(e.getMessage().contains("page number " + page + " outside the 0..11 of the f405"),
                    e.getMessage());
        }
    }

    /** AN3155's Erase: the command and its complement, then pages - 1, the page numbers, their XOR. */
    @Test
    void aLegacyEraseSendsCountPagesAndChecksum() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, legacyEraseDevice(0x440, answer(ACK), answer(ACK))),
                50);
        assertEquals("f030", client.connect().name());
        sent.reset();
        client.erase(new int[] {3});
        assertArrayEquals(new byte[] {0x43, (byte) 0xBC, 0x00, 0x03, 0x03}, sent.toByteArray());
    }

    /**
     * A Read Memory answer one byte too long: the extra byte was taken as the next command's ACK,
     * and the next read came back shifted by one. Now the next command is not sent.
     */
    @Test
    void aByteNobodyAskedForIsAnErrorBeforeTheNextCommand() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, f405(
                answer(ACK), answer(ACK), answer(ACK, 0x11, 0x22, 0x33, 0x44, ACK),
                answer(ACK), answer(ACK), answer(ACK, 0xA1, 0xA2, 0xA3, 0xA4))), 50);
        client.connect();
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44}, client.read(0x0800_0000L, 4));
        sent.reset();
        DeviceProtocolException e = assertThrows(DeviceProtocolException.class,
                () -> client.read(0x0800_0004L, 4));
        assertEquals(0, sent.size(), "bytes sent: " + sent);
        assertTrue(e.getMessage().contains("sent 1 unexpected byte(s) (first 0x79) before command 0x11"),
                e.getMessage());
    }

    @Test
    void twoReadsInARowGiveWhatWasRead() throws Exception {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        An3155Client client = new An3155Client(scripted(sent, f405(
                answer(ACK), answer(ACK), answer(ACK, 0x11, 0x22, 0x33, 0x44),
                answer(ACK), answer(ACK), answer(ACK, 0xA1, 0xA2, 0xA3, 0xA4))), 50);
        client.connect();
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44}, client.read(0x0800_0000L, 4));
        sent.reset();
        assertArrayEquals(new byte[] {(byte) 0xA1, (byte) 0xA2, (byte) 0xA3, (byte) 0xA4},
                client.read(0x0800_0004L, 4));
        assertArrayEquals(new byte[] {0x11, (byte) 0xEE, 0x08, 0x00, 0x00, 0x04, 0x0C, 0x03, (byte) 0xFC},
                sent.toByteArray());
    }

    /** Something answered the sync, just not a bootloader's ACK or NACK: the error says what it was. */
    @Test
    void aSyncAnsweredWithGarbageSaysWhatAnswered() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        IOException e = assertThrows(IOException.class,
                () -> new An3155Client(scripted(sent, answer(0x00), answer(0x00), answer(0x00)), 50).connect());
        assertTrue(e.getMessage().contains("answered the 0x7F sync with 0x00, neither ACK 0x79 nor NACK 0x1F"),
                e.getMessage());
        assertArrayEquals(new byte[] {0x7F, 0x7F, 0x7F}, sent.toByteArray());
    }

    @Test
    void aSyncNobodyAnsweredSaysNothingAnswered() {
        IOException e = assertThrows(IOException.class, () -> new An3155Client(scripted(), 50).connect());
        assertTrue(e.getMessage().startsWith("no STM32 bootloader answered the 0x7F sync on scripted"),
                e.getMessage());
    }
}
