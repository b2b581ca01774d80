// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.runtime.flash.FlashCosts;
import dev.fwdelta.runtime.flash.FlashGeometry;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.stm32.An3155;
import dev.fwdelta.tool.stm32.Stm32Part;
import dev.fwdelta.tool.transport.Link;
import java.io.IOException;

/**
 * An STM32 ROM bootloader answering AN3155 on a serial link, with the NOR flash model behind it
 * (ECC double-word parts refuse a second program as the real ones do). Implements Get, Get
 * Version, Get ID, Read Memory, Write Memory, Erase or Extended Erase (per the part), Go.
 * A broken checksum, a bad address or a flash rule broken is a NACK, as on the chip.
 */
public final class An3155Simulator implements Runnable {
    private static final int BYTE_TIMEOUT_MS = 2000;

    private final Link link;
    private final Stm32Part part;
    private final NorFlash flash;
    private final boolean listsExtendedErase;
    private volatile boolean running = true;
    private volatile long goAddress = -1;
    private boolean synced;
    private long commandsServed;

    public An3155Simulator(Link link, Stm32Part part, NorFlash flash) {
        this(link, part, flash, true);
    }

    /**
     * A bootloader whose Get list offers Erase 0x43 in place of Extended Erase 0x44 when
     * {@code listsExtendedErase} is false: a part that needs 0x44 then cannot be erased, which
     * the host must find out from the list before it erases anything.
     */
    public An3155Simulator(Link link, Stm32Part part, NorFlash flash, boolean listsExtendedErase) {
        this.link = link;
        this.part = part;
        this.flash = flash;
        this.listsExtendedErase = listsExtendedErase;
    }

    /** The flash a part's simulator uses: its sector map, program unit, ECC on double-word parts. */
    public static FlashGeometry geometry(Stm32Part part) {
        return new FlashGeometry(part.map(), part.programUnit(), (byte) 0xFF, part.programUnit() == 8,
                new FlashCosts(20000, 7000, 0, 16));
    }

    public void stop() {
        running = false;
    }

    /** The address of the last Go, or -1. */
    public long goAddress() {
        return goAddress;
    }

    public long commandsServed() {
        return commandsServed;
    }

    @Override
    public void run() {
        byte[] b = new byte[1];
        while (running) {
            try {
                if (link.read(b, 0, 1, 50) != 1) {
                    continue;
                }
                int v = b[0] & 0xFF;
                if (v == An3155.SYNC) {
                    send(synced ? An3155.NACK : An3155.ACK);
                    synced = true;
                    continue;
                }
                if (!synced) {
                    continue;
                }
                int complement = readByte();
                if (complement < 0 || (v ^ complement) != 0xFF) {
                    send(An3155.NACK);
                    continue;
                }
                commandsServed++;
                serve(v);
            } catch (Timeout t) {
                // the host went quiet in the middle of a command: wait for the next one
            } catch (IOException e) {
                running = false;
            }
        }
    }

    private void serve(int cmd) throws IOException, Timeout {
        switch (cmd) {
            case An3155.GET -> {
                int erase = part.extendedErase() && listsExtendedErase ? An3155.EXTENDED_ERASE : An3155.ERASE;
                byte[] cmds = {An3155.GET, An3155.GET_VERSION, An3155.GET_ID, An3155.READ_MEMORY, An3155.GO,
                    An3155.WRITE_MEMORY, (byte) erase};
                send(An3155.ACK);
                send(cmds.length);
                send(part.bootloaderVersion());
                sendAll(cmds);
                send(An3155.ACK);
            }
            case An3155.GET_VERSION -> {
                send(An3155.ACK);
                sendAll(new byte[] {(byte) part.bootloaderVersion(), 0, 0});
                send(An3155.ACK);
            }
            case An3155.GET_ID -> {
                send(An3155.ACK);
                sendAll(new byte[] {1, (byte) (part.productId() >>> 8), (byte) part.productId()});
                send(An3155.ACK);
            }
            case An3155.READ_MEMORY -> readMemory();
            case An3155.WRITE_MEMORY -> writeMemory();
            case An3155.ERASE -> {
                if (part.extendedErase()) {
                    send(An3155.NACK);
                } else {
                    erase();
                }
            }
            case An3155.EXTENDED_ERASE -> {
                if (part.extendedErase()) {
                    extendedErase();
                } else {
                    send(An3155.NACK);
                }
            }
            case An3155.GO -> {
                send(An3155.ACK);
                long a = addressUnacknowledged();
                if (a < 0) {
                    return;
                }
                // Recorded before the ACK: the host may return, and its caller look, as soon as the ACK lands.
                goAddress = a;
                synced = false; // the application runs; the bootloader needs a new sync after reset
                send(An3155.ACK);
            }
            default -> send(An3155.NACK);
        }
    }

    private void readMemory() throws IOException, Timeout {
        send(An3155.ACK);
        long a = address();
        if (a < 0) {
            return;
        }
        int n = readByte();
        int c = readByte();
        if ((n ^ c) != 0xFF || !inFlash(a, n + 1)) {
            send(An3155.NACK);
            return;
        }
        send(An3155.ACK);
        byte[] data = new byte[n + 1];
        flash.read(a - part.flashBase(), data, 0, data.length);
        sendAll(data);
    }

    private void writeMemory() throws IOException, Timeout {
        send(An3155.ACK);
        long a = address();
        if (a < 0) {
            return;
        }
        int n = readByte() + 1;
        byte[] data = readBytes(n);
        int checksum = readByte();
        if ((An3155.xor(data, 0, n) ^ (n - 1)) != checksum || !inFlash(a, n)) {
            send(An3155.NACK);
            return;
        }
        try {
            flash.program(a - part.flashBase(), data, 0, n);
            send(An3155.ACK);
        } catch (IOException flashRule) {
            send(An3155.NACK); // PGERR / PROGERR on the real chip
        }
    }

    private void erase() throws IOException, Timeout {
        send(An3155.ACK);
        int n = readByte();
        if (n == 0xFF) {
            if (readByte() != 0x00) {
                send(An3155.NACK);
                return;
            }
            eraseAll();
            send(An3155.ACK);
            return;
        }
        byte[] pages = readBytes(n + 1);
        int checksum = readByte();
        if ((An3155.xor(pages, 0, pages.length) ^ n) != checksum) {
            send(An3155.NACK);
            return;
        }
        int[] list = new int[pages.length];
        for (int i = 0; i < pages.length; i++) {
            list[i] = pages[i] & 0xFF;
        }
        eraseList(list);
    }

    private void extendedErase() throws IOException, Timeout {
        send(An3155.ACK);
        byte[] nb = readBytes(2);
        int n = (nb[0] & 0xFF) << 8 | (nb[1] & 0xFF);
        if (n >= 0xFFFD) {
            int checksum = readByte();
            if (checksum != ((nb[0] ^ nb[1]) & 0xFF)) {
                send(An3155.NACK);
                return;
            }
            eraseAll();
            send(An3155.ACK);
            return;
        }
        byte[] pages = readBytes(2 * (n + 1));
        int checksum = readByte();
        if ((An3155.xor(nb, 0, 2) ^ An3155.xor(pages, 0, pages.length)) != checksum) {
            send(An3155.NACK);
            return;
        }
        int[] list = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            list[i] = (pages[2 * i] & 0xFF) << 8 | (pages[2 * i + 1] & 0xFF);
        }
        eraseList(list);
    }

    private void eraseList(int[] sectors) throws IOException {
        for (int s : sectors) {
            if (s >= part.map().count()) {
                send(An3155.NACK);
                return;
            }
        }
        for (int s : sectors) {
            flash.erase(s);
        }
        send(An3155.ACK);
    }

    private void eraseAll() throws IOException {
        for (int s = 0; s < part.map().count(); s++) {
            flash.erase(s);
        }
    }

    /** Reads a 4-byte big-endian address and its XOR; ACKs a good one, NACKs a bad one (returns -1). */
    private long address() throws IOException, Timeout {
        long address = addressUnacknowledged();
        if (address >= 0) {
            send(An3155.ACK);
        }
        return address;
    }

    /** Reads and checks an address; NACKs a bad one and leaves the ACK of a good one to the caller. */
    private long addressUnacknowledged() throws IOException, Timeout {
        byte[] a = readBytes(5);
        long address = (a[0] & 0xFFL) << 24 | (a[1] & 0xFFL) << 16 | (a[2] & 0xFFL) << 8 | (a[3] & 0xFFL);
        if (An3155.xor(a, 0, 4) != (a[4] & 0xFF) || !inFlash(address, 1)) {
            send(An3155.NACK);
            return -1;
        }
        return address;
    }

    private boolean inFlash(long address, int length) {
        return address >= part.flashBase() && address + length <= part.flashBase() + flash.size();
    }

    /** The host stopped sending in the middle of a command. */
    private static final class Timeout extends Exception {
        Timeout() {
            super(null, null, false, false);
        }
    }

    private int readByte() throws IOException, Timeout {
        return readBytes(1)[0] & 0xFF;
    }

    private byte[] readBytes(int n) throws IOException, Timeout {
        byte[] b = new byte[n];
        int done = 0;
        long end = System.currentTimeMillis() + BYTE_TIMEOUT_MS;
        while (done < n) {
            if (System.currentTimeMillis() > end) {
                throw new Timeout();
            }
            done += link.read(b, done, n - done, 50);
        }
        return b;
    }

    private void send(int v) throws IOException {
        link.write(new byte[] {(byte) v}, 0, 1);
    }

    private void sendAll(byte[] b) throws IOException {
        link.write(b, 0, b.length);
    }
}
