// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sim;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.dfu.DfuClassMachine;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.stm32.Dfuse;
import dev.fwdelta.tool.stm32.ProgramUnitTail;
import dev.fwdelta.tool.stm32.Stm32Part;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

/**
 * A model of ST's ROM DFU device (0483:df11, DfuSe extensions of DFU 1.1, ST UM0424) with the
 * flash model behind it: commands in DNLOAD block 0 (0x21 Set Address Pointer, 0x41 Erase,
 * 0x92 Read Unprotect), data in blocks 2.. at pointer + (block - 2) x wTransferSize, UPLOAD
 * block 0 lists the commands, a zero-length DNLOAD leaves DFU and starts the firmware at the
 * pointer. Sectors can be guarded, as a DfuSe bootloader guards its own: its memory map marks them
 * readable only (access letter {@code a}) and it refuses to erase or write them (errTARGET).
 */
public final class DfuseDevice implements InProcessControl.Endpoint, DfuClassMachine.Function {
    public static final int TRANSFER_SIZE = 2048;

    private final NorFlash flash;
    private final Stm32Part part;
    private final Set<Integer> guarded;
    private final DfuClassMachine machine = new DfuClassMachine(this, TRANSFER_SIZE, 1, false);
    private long pointer;
    private long startedAt = -1;

    public DfuseDevice(NorFlash flash, Stm32Part part) {
        this(flash, part, Set.of());
    }

    /** A device whose sectors {@code guarded} (indices in the part's map) are readable only. */
    public DfuseDevice(NorFlash flash, Stm32Part part, Set<Integer> guarded) {
        this.flash = flash;
        this.part = part;
        this.guarded = Set.copyOf(guarded);
        this.pointer = part.flashBase();
    }

    /** The interface string with the memory map, as the ROM reports it. */
    public String interfaceString() {
        StringBuilder sb = new StringBuilder("@Internal Flash  /0x").append(Long.toHexString(part.flashBase()))
                .append('/');
        var map = part.map();
        int i = 0;
        while (i < map.count()) {
            long size = map.size(i);
            boolean readOnly = guarded.contains(i);
            int n = 0;
            while (i + n < map.count() && map.size(i + n) == size && guarded.contains(i + n) == readOnly) {
                n++;
            }
            sb.append(i == 0 ? "" : ",").append(String.format("%02d*%03dK%c", n, size / 1024, readOnly ? 'a' : 'g'));
            i += n;
        }
        return sb.toString();
    }

    /** Where the firmware was started by the leave request, or -1. */
    public long startedAt() {
        return startedAt;
    }

    @Override
    public boolean controlOut(int request, int value, byte[] data) {
        return machine.controlOut(request, value, data);
    }

    @Override
    public byte[] controlIn(int request, int value, int length) {
        return machine.controlIn(request, value, length);
    }

    /** Block 1 is reserved by DfuSe. */
    @Override
    public boolean accepts(int blockNumber) {
        return blockNumber != 1;
    }

    @Override
    public DfuStatus download(int blockNumber, byte[] block, int length) {
        try {
            if (blockNumber == 0) {
                return command(Arrays.copyOf(block, length));
            }
            long at = pointer + (long) (blockNumber - 2) * TRANSFER_SIZE;
            if (!inFlash(at, length)) {
                return DfuStatus.ERR_ADDRESS;
            }
            if (length > 0 && (isGuarded(at) || isGuarded(at + length - 1))) {
                return DfuStatus.ERR_TARGET;
            }
            // The ROM completes a short block to its flash's program unit, as the AN3155 host does.
            byte[] padded = ProgramUnitTail.pad(part.map(), at - part.flashBase(), Arrays.copyOf(block, length),
                    flash.geometry().programUnit());
            flash.program(at - part.flashBase(), padded, 0, padded.length);
            return DfuStatus.OK;
        } catch (IOException | IllegalArgumentException flashRule) {
            return DfuStatus.ERR_PROG;
        }
    }

    /** The leave request: the ROM starts the firmware at the pointer. */
    @Override
    public DfuStatus manifest() {
        startedAt = pointer;
        return DfuStatus.OK;
    }

    /** Block 0 lists the commands; blocks 2.. read memory at pointer + (block - 2) x length. */
    @Override
    public byte[] upload(int blockNumber, int length) {
        if (blockNumber == 0) {
            return new byte[] {Dfuse.GET_COMMANDS, Dfuse.SET_ADDRESS, Dfuse.ERASE, (byte) Dfuse.READ_UNPROTECT};
        }
        long at = pointer + (long) (blockNumber - 2) * length;
        if (blockNumber < 2 || !inFlash(at, length)) {
            return null;
        }
        byte[] out = new byte[length];
        flash.read(at - part.flashBase(), out, 0, length);
        return out;
    }

    private DfuStatus command(byte[] pending) throws IOException {
        int cmd = pending[0] & 0xFF;
        if (cmd == Dfuse.SET_ADDRESS && pending.length == 5) {
            long a = LittleEndian.u32(pending, 1);
            if (!inFlash(a, 1)) {
                return DfuStatus.ERR_ADDRESS;
            }
            pointer = a;
            return DfuStatus.OK;
        }
        if (cmd == Dfuse.ERASE && pending.length == 1) {
            if (!guarded.isEmpty()) {
                return DfuStatus.ERR_TARGET; // a mass erase would take the guarded sectors too
            }
            for (int s = 0; s < part.map().count(); s++) {
                flash.erase(s);
            }
            return DfuStatus.OK;
        }
        if (cmd == Dfuse.ERASE && pending.length == 5) {
            long a = LittleEndian.u32(pending, 1);
            if (!inFlash(a, 1)) {
                return DfuStatus.ERR_ADDRESS;
            }
            if (isGuarded(a)) {
                return DfuStatus.ERR_TARGET;
            }
            flash.erase(part.map().sectorAt(a - part.flashBase()));
            return DfuStatus.OK;
        }
        if (cmd == Dfuse.READ_UNPROTECT && pending.length == 1) {
            return DfuStatus.OK; // no read protection in the model
        }
        return DfuStatus.ERR_STALLEDPKT;
    }

    private boolean isGuarded(long address) {
        return guarded.contains(part.map().sectorAt(address - part.flashBase()));
    }

    private boolean inFlash(long address, int length) {
        return address >= part.flashBase() && address + length <= part.flashBase() + flash.size();
    }
}
