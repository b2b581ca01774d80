// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.tool.transport.DeviceProtocolException;
import dev.fwdelta.tool.transport.Link;
import java.io.IOException;
import java.util.Arrays;

/**
 * Host side of AN3155 over a serial link: Sync, Get, Get Version, Get ID, Read Memory, Write
 * Memory, Erase / Extended Erase, Go. Every command is its byte and its complement; addresses are
 * big-endian with an XOR checksum; data blocks are N-1, the bytes, and an XOR. Timeouts follow
 * the application note and stm32flash (erases take seconds per sector, tens for a mass erase).
 */
public final class An3155Client implements FlashTarget {
    /** Default answer timeout for a command (not an erase): the application note's 1 s. */
    public static final int DEFAULT_TIMEOUT_MS = 1000;
    private static final int ERASE_BASE_MS = 5000;
    private static final int ERASE_PER_SECTOR_MS = 5000;
    private static final int MASS_ERASE_MS = 60000;
    /** Get: the version and the command bytes; far more room than any bootloader's list needs. */
    private static final int MAX_GET_BYTES = 64;
    /** Get ID: the product id, and room for a few bytes more that are not read. */
    private static final int MAX_GET_ID_BYTES = 8;
    /**
     * Bytes waiting before a command that nobody asked for: read at most this many to say how
     * many there were, so a device that streams cannot keep the client reading.
     */
    private static final int MAX_UNEXPECTED_BYTES = 64;
    /** Write Memory takes a multiple of 4 bytes whatever the part's program unit. */
    private static final int MIN_WRITE_UNIT = 4;

    private final Link link;
    /** How long a reply to a command may take (erases have their own limits). */
    private final int timeoutMs;
    private Stm32Part part;
    private int version;
    private byte[] commands = new byte[0];
    private long wire;

    public An3155Client(Link link) {
        this(link, DEFAULT_TIMEOUT_MS);
    }

    public An3155Client(Link link, int timeoutMs) {
        this.link = link;
        this.timeoutMs = timeoutMs;
    }

    /** Sync, Get, Get ID: identifies the chip. An unknown product id is an error naming it. */
    public Stm32Part connect() throws IOException {
        sync();
        byte[] get = command(An3155.GET, "Get", 1, MAX_GET_BYTES);
        version = get[1] & 0xFF;
        commands = Arrays.copyOfRange(get, 2, get.length);
        byte[] id = command(An3155.GET_ID, "Get ID", 2, MAX_GET_ID_BYTES);
        int pid = (id[1] & 0xFF) << 8 | (id[2] & 0xFF);
        part = Stm32Part.byProductId(pid);
        return part;
    }

    private void sync() throws IOException {
        int answered = -1;
        for (int attempt = 0; attempt < 3; attempt++) {
            writeBytes(new byte[] {(byte) An3155.SYNC});
            int r = readByte(timeoutMs);
            if (r == An3155.ACK || r == An3155.NACK) {
                return; // NACK: the bootloader was already synchronised
            }
            if (r >= 0) {
                answered = r;
            }
        }
        if (answered >= 0) {
            // Something is on the line, so the cable is there; a wrong speed or another program answers.
            throw new IOException(String.format("the device on %s answered the 0x7F sync with 0x%02x, neither ACK 0x79"
                    + " nor NACK 0x1F (not an STM32 ROM bootloader: BOOT0 high and reset? baud rate, 8E1 parity?)",
                    link.name(), answered));
        }
        throw new IOException("no STM32 bootloader answered the 0x7F sync on " + link.name()
                + " (BOOT0 high and reset? 8E1 parity?)");
    }

    public int bootloaderVersion() {
        return version;
    }

    @Override
    public Stm32Part part() {
        return part;
    }

    /**
     * Get-style command: ACK, N, N+1 bytes, ACK. N is checked both ways: the caller reads the
     * {@code min} bytes it needs without looking again, and nothing is allocated past {@code max}.
     */
    private byte[] command(int cmd, String name, int min, int max) throws IOException {
        sendCommand(cmd);
        int n = readByte(timeoutMs);
        if (n < 0) {
            throw new IOException(String.format("the bootloader stopped answering (no reply within %d ms to the length"
                    + " of %s, 0x%02x; cable unplugged, chip reset or powered off?)", timeoutMs, name, cmd));
        }
        if (n + 1 < min || n + 1 > max) {
            throw new IOException(String.format("bootloader answered %s (0x%02x) with a bad value for N (bytes - 1):"
                    + " %d (valid range %d..%d)", name, cmd, n, min - 1, max - 1));
        }
        byte[] out = new byte[n + 2];
        out[0] = (byte) n;
        readFully(out, 1, n + 1, timeoutMs);
        expectAck(timeoutMs, "the end of command 0x%02x", cmd);
        return out;
    }

    @Override
    public byte[] read(long address, int length) throws IOException {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            int n = Math.min(An3155.MAX_BLOCK, length - done);
            sendCommand(An3155.READ_MEMORY);
            sendAddress(address + done);
            writeBytes(new byte[] {(byte) (n - 1), (byte) ((n - 1) ^ 0xFF)});
            expectAck(timeoutMs, "the length of Read Memory at 0x%08x", address + done);
            readFully(out, done, n, timeoutMs);
            done += n;
        }
        return out;
    }

    /**
     * Write Memory in blocks of up to 256 bytes. The tail is padded with 0xFF to the part's program
     * unit, and to 4 bytes at least, since AN3155 takes only multiples of 4 ({@link ProgramUnitTail}).
     */
    @Override
    public void write(long address, byte[] data) throws IOException {
        if (part == null) {
            throw new IllegalStateException("write before connect: the part's program unit is not known");
        }
        byte[] padded = ProgramUnitTail.pad(part.map(), address - part.flashBase(), data,
                Math.max(MIN_WRITE_UNIT, part.programUnit()));
        // Every block but the last is 256 bytes, a multiple of every program unit: only the last is short.
        for (int done = 0; done < padded.length; ) {
            int n = Math.min(An3155.MAX_BLOCK, padded.length - done);
            byte[] block = new byte[n + 2];
            block[0] = (byte) (n - 1);
            System.arraycopy(padded, done, block, 1, n);
            block[n + 1] = (byte) An3155.xor(block, 0, n + 1);
            sendCommand(An3155.WRITE_MEMORY);
            sendAddress(address + done);
            writeBytes(block);
            expectAck(timeoutMs, "Write Memory at 0x%08x (write-protected, or not erased?)", address + done);
            done += n;
        }
    }

    @Override
    public void erase(int[] sectors) throws IOException {
        if (sectors.length == 0) {
            return;
        }
        if (part == null) {
            throw new IllegalStateException("erase before connect: the part's pages are not known");
        }
        // Checked before the command goes out: a refusal leaves the chip as it was.
        EraseCommand erase = EraseCommand.of(part, supports(An3155.EXTENDED_ERASE), sectors);
        int timeout = ERASE_BASE_MS + ERASE_PER_SECTOR_MS * sectors.length;
        sendCommand(erase.opcode());
        writeBytes(erase.payload());
        expectAck(timeout, "erasing %d sectors", sectors.length);
    }

    @Override
    public void checkErase(int[] sectors) throws IOException {
        if (part == null) {
            throw new IllegalStateException("erase check before connect: the part's pages are not known");
        }
        EraseCommand.of(part, supports(An3155.EXTENDED_ERASE), sectors);
    }

    public void massErase() throws IOException {
        if (supports(An3155.EXTENDED_ERASE)) {
            sendCommand(An3155.EXTENDED_ERASE);
            writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, 0});
        } else {
            sendCommand(An3155.ERASE);
            writeBytes(new byte[] {(byte) 0xFF, 0});
        }
        expectAck(MASS_ERASE_MS, "mass erase%s", "");
    }

    @Override
    public void go(long address) throws IOException {
        sendCommand(An3155.GO);
        sendAddress(address);
    }

    @Override
    public long wireBytes() {
        return wire;
    }

    private boolean supports(int cmd) {
        for (byte c : commands) {
            if ((c & 0xFF) == cmd) {
                return true;
            }
        }
        return false;
    }

    private void sendCommand(int cmd) throws IOException {
        refuseUnexpectedInput(cmd);
        writeBytes(new byte[] {(byte) cmd, (byte) (cmd ^ 0xFF)});
        expectAck(timeoutMs, "command 0x%02x (not supported, or read protection?)", cmd);
    }

    /**
     * Bytes already waiting are no answer to the command about to go out: taken as its ACK, one
     * stray byte would shift every later answer by one, silently. Reads only what has arrived.
     */
    private void refuseUnexpectedInput(int cmd) throws IOException {
        byte[] stray = new byte[MAX_UNEXPECTED_BYTES];
        int n = 0;
        while (n < stray.length) {
            int got = link.read(stray, n, stray.length - n, 0);
            if (got <= 0) {
                break;
            }
            n += got;
        }
        if (n > 0) {
            wire += n;
            throw new DeviceProtocolException(String.format("the bootloader on %s sent %s%d unexpected byte(s) (first"
                    + " 0x%02x) before command 0x%02x: an answer longer than the command it belongs to, or a line"
                    + " that is not the bootloader's", link.name(), n == stray.length ? "at least " : "", n,
                    stray[0] & 0xFF, cmd));
        }
    }

    private void sendAddress(long address) throws IOException {
        byte[] a = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address, 0};
        a[4] = (byte) An3155.xor(a, 0, 4);
        writeBytes(a);
        expectAck(timeoutMs, "address 0x%08x", address);
    }

    private void expectAck(int timeoutMs, String what, Object... args) throws IOException {
        int r = readByte(timeoutMs);
        if (r == An3155.ACK) {
            return;
        }
        String context = String.format(what, args);
        if (r == An3155.NACK) {
            throw new IOException("bootloader refused (NACK) " + context
                    + (what.startsWith("address") ? " (outside memory?)" : ""));
        }
        // No answer at all is the cable, the chip's reset or its power, never the address sent.
        throw new IOException(r < 0 ? "the bootloader stopped answering (no reply within " + timeoutMs + " ms to "
                + context + "; cable unplugged, chip reset or powered off?)"
                : String.format("bootloader answered 0x%02x to %s", r, context));
    }

    private int readByte(int timeoutMs) throws IOException {
        byte[] b = new byte[1];
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (link.read(b, 0, 1, (int) Math.max(1, end - System.currentTimeMillis())) == 1) {
                wire++;
                return b[0] & 0xFF;
            }
        }
        return -1;
    }

    private void readFully(byte[] b, int off, int len, int timeoutMs) throws IOException {
        long end = System.currentTimeMillis() + timeoutMs + len;
        int done = 0;
        while (done < len) {
            if (System.currentTimeMillis() > end) {
                throw new IOException("the bootloader stopped answering after " + done + " of " + len
                        + " bytes (cable unplugged, chip reset or powered off?)");
            }
            int n = link.read(b, off + done, len - done, 100);
            done += n;
            wire += n;
        }
    }

    private void writeBytes(byte[] b) throws IOException {
        link.write(b, 0, b.length);
        wire += b.length;
    }
}
