// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.transport.DeviceProtocolException;
import dev.fwdelta.tool.transport.DeviceText;
import dev.fwdelta.tool.transport.dfu.ControlTransfer;
import dev.fwdelta.tool.transport.dfu.DfuException;
import dev.fwdelta.tool.transport.dfu.GetStatus;
import dev.fwdelta.tool.transport.dfu.PollWait;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * DfuSe host (ST's extensions of DFU 1.1, UM0424) for ST's ROM DFU device: Set Address Pointer,
 * Erase, data blocks at pointer + (wBlockNum - 2) x wTransferSize, UPLOAD to read, and the leave
 * sequence. The memory map comes from the interface string.
 */
public final class DfuseClient implements FlashTarget {
    private static final int MAX_POLLS = 1000;
    /**
     * The longest the host waits on one block or command, all polls together. The slowest is Read
     * Unprotect, which mass-erases the whole flash; a device busy past this is taken as hung.
     */
    public static final int MAX_BLOCK_WAIT_MS = 120_000;

    private final ControlTransfer usb;
    private final MemoryMap map;
    private final Stm32Part part;
    private final int transferSize;
    private final PollWait pollWait;
    private long wire;

    public DfuseClient(ControlTransfer usb, String interfaceString, int transferSize) throws IOException {
        this(usb, interfaceString, transferSize, PollWait.THREAD_SLEEP);
    }

    /** With {@code sleeper} for the waits between status polls (tests count them instead of waiting). */
    public DfuseClient(ControlTransfer usb, String interfaceString, int transferSize, PollWait.Sleeper sleeper)
            throws IOException {
        this.usb = usb;
        this.map = deviceMemoryMap(interfaceString);
        this.part = map.asPart();
        this.transferSize = transferSize;
        this.pollWait = new PollWait(sleeper);
        idle();
        byte[] commands = upload(0, 16);
        if (commands.length == 0 || commands[0] != Dfuse.GET_COMMANDS
                || !contains(commands, Dfuse.SET_ADDRESS) || !contains(commands, Dfuse.ERASE)) {
            throw new IOException("the DFU device does not offer the DfuSe commands (Set Address, Erase)");
        }
        abort();
    }

    /**
     * The part the device's interface string describes. A string that does not parse is the
     * device's fault, not the user's: an I/O failure, with the device's text made printable.
     */
    private static MemoryMap deviceMemoryMap(String interfaceString) throws DeviceProtocolException {
        try {
            return MemoryMap.parse(interfaceString);
        } catch (IllegalArgumentException e) {
            DeviceProtocolException d = new DeviceProtocolException("the DFU device's interface string is not a"
                    + " valid memory map: " + DeviceText.printable(e.getMessage()));
            d.initCause(e);
            throw d;
        }
    }

    @Override
    public Stm32Part part() {
        return part;
    }

    @Override
    public byte[] read(long address, int length) throws IOException {
        command(Dfuse.SET_ADDRESS, address);
        abort();
        byte[] out = new byte[length];
        for (int done = 0, block = 2; done < length; block++) {
            byte[] b = upload(block, transferSize);
            int n = Math.min(transferSize, length - done);
            // Block N starts at pointer + (N - 2) x wTransferSize: a short block leaves a gap, not a delay.
            if (b.length < n || b.length > transferSize) {
                throw new IOException(String.format("DfuSe UPLOAD of block %d at 0x%08x returned %d bytes (valid range"
                        + " %d..%d)", block, address + done, b.length, n, transferSize));
            }
            System.arraycopy(b, 0, out, done, n);
            done += n;
        }
        abort();
        return out;
    }

    @Override
    public void erase(int[] sectors) throws IOException {
        checkErase(sectors);
        for (int s : sectors) {
            command(Dfuse.ERASE, part.flashBase() + part.map().start(s));
        }
    }

    /**
     * The part's own sectors, but not those the device's memory map marks as not erasable: the
     * device refuses those, and a run that met one after its first erase could never finish.
     */
    @Override
    public void checkErase(int[] sectors) throws IOException {
        EraseCommand.refuseOutsidePart(part, sectors);
        for (int s : sectors) {
            Optional<Character> access = map.unerasableAccess(s);
            if (access.isPresent()) {
                throw new IOException(String.format("the DFU device's memory map marks sector %d at 0x%08x as not"
                        + " erasable (access '%c'); nothing erased", s, part.flashBase() + part.map().start(s),
                        access.get()));
            }
        }
    }

    @Override
    public void write(long address, byte[] data) throws IOException {
        command(Dfuse.SET_ADDRESS, address);
        for (int done = 0, block = 2; done < data.length; block++) {
            int n = Math.min(transferSize, data.length - done);
            download(block, Arrays.copyOfRange(data, done, done + n));
            done += n;
        }
    }

    /** Read Unprotect (0x92): removes read protection, which mass-erases the flash on a real chip. */
    public void readUnprotect() throws IOException {
        download(0, new byte[] {(byte) Dfuse.READ_UNPROTECT});
    }

    /**
     * The leave sequence: pointer to the start address, zero-length DNLOAD, GETSTATUS. The device
     * leaves DFU mode as it answers that GETSTATUS, and many reset before the answer is through
     * (dfu-util then reports "Error during download get_status" after a good leave): a transfer
     * that fails there means the device has gone to its firmware. Only an answer that says
     * dfuERROR is a failed leave.
     */
    @Override
    public void go(long address) throws IOException {
        command(Dfuse.SET_ADDRESS, address);
        usb.out(DfuRequest.DNLOAD, 0, new byte[0]);
        wire += 8;
        byte[] s;
        try {
            s = status();
        } catch (DfuException e) {
            throw e;
        } catch (IOException gone) {
            return;
        }
        if (DfuState.of(s[4]) == DfuState.ERROR) {
            throw new DfuException("DfuSe leave to 0x" + Long.toHexString(address), DfuStatus.of(s[0]),
                    DfuState.ERROR);
        }
    }

    @Override
    public long wireBytes() {
        return wire;
    }

    private void command(int cmd, long address) throws IOException {
        byte[] c = new byte[5];
        c[0] = (byte) cmd;
        LittleEndian.put32(c, 1, address);
        download(0, c);
    }

    private void download(int block, byte[] data) throws IOException {
        usb.out(DfuRequest.DNLOAD, block, data);
        wire += 8 + data.length;
        long waited = 0;
        for (int polls = 1; ; polls++) {
            byte[] s = status();
            DfuState state = DfuState.of(s[4]);
            if (state == DfuState.ERROR) {
                throw new DfuException("DfuSe block " + block, DfuStatus.of(s[0]), state);
            }
            if (state == DfuState.DNLOAD_IDLE) {
                return;
            }
            if (!GetStatus.busy(s)) {
                throw new DeviceProtocolException("DfuSe block " + block + ": the device answered GETSTATUS in state "
                        + GetStatus.stateText(s) + ", neither busy nor dfuDNLOAD-IDLE");
            }
            if (polls >= MAX_POLLS || waited >= MAX_BLOCK_WAIT_MS) {
                throw new IOException("DfuSe block " + block + ": the device was still busy after " + polls
                        + " polls and " + waited + " ms (limits " + MAX_POLLS + " polls, " + MAX_BLOCK_WAIT_MS
                        + " ms)");
            }
            waited += pollWait.after(s, MAX_BLOCK_WAIT_MS - waited);
        }
    }

    private byte[] upload(int block, int length) throws IOException {
        byte[] b = usb.in(DfuRequest.UPLOAD, block, length);
        wire += 8 + b.length;
        return b;
    }

    private byte[] status() throws IOException {
        wire += 8 + GetStatus.LENGTH;
        return GetStatus.request(usb);
    }

    private void idle() throws IOException {
        byte[] s = status();
        if (DfuState.of(s[4]) == DfuState.ERROR) {
            usb.out(DfuRequest.CLRSTATUS, 0, new byte[0]);
        }
        abort();
    }

    private void abort() throws IOException {
        usb.out(DfuRequest.ABORT, 0, new byte[0]);
        wire += 8;
    }

    private static boolean contains(byte[] b, int v) {
        for (byte x : b) {
            if ((x & 0xFF) == v) {
                return true;
            }
        }
        return false;
    }
}
