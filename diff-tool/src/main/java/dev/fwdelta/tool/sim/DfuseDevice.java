package dev.fwdelta.tool.sim;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.stm32.Dfuse;
import dev.fwdelta.tool.stm32.Stm32Part;
import java.io.IOException;
import java.util.Arrays;

/**
 * A model of ST's ROM DFU device (0483:df11, DfuSe extensions of DFU 1.1, ST UM0424) with the
 * flash model behind it: commands in DNLOAD block 0 (0x21 Set Address Pointer, 0x41 Erase,
 * 0x92 Read Unprotect), data in blocks 2.. at pointer + (block - 2) x wTransferSize, UPLOAD
 * block 0 lists the commands, a zero-length DNLOAD leaves DFU and starts the firmware at the
 * pointer.
 */
public final class DfuseDevice implements InProcessControl.Endpoint {
    public static final int TRANSFER_SIZE = 2048;

    private final NorFlash flash;
    private final Stm32Part part;
    private DfuState state = DfuState.DFU_IDLE;
    private DfuStatus status = DfuStatus.OK;
    private byte[] pending = new byte[0];
    private int pendingBlock;
    private long pointer;
    private long startedAt = -1;

    public DfuseDevice(NorFlash flash, Stm32Part part) {
        this.flash = flash;
        this.part = part;
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
            int n = 0;
            while (i + n < map.count() && map.size(i + n) == size) {
                n++;
            }
            sb.append(i == 0 ? "" : ",").append(String.format("%02d*%03dKg", n, size / 1024));
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
        switch (request) {
            case DfuRequest.DNLOAD -> {
                if (state != DfuState.DFU_IDLE && state != DfuState.DNLOAD_IDLE) {
                    return stall();
                }
                if (data.length == 0) {
                    state = DfuState.MANIFEST_SYNC;
                    return true;
                }
                if (data.length > TRANSFER_SIZE || value == 1) {
                    return stall();
                }
                pending = data.clone();
                pendingBlock = value;
                state = DfuState.DNLOAD_SYNC;
                return true;
            }
            case DfuRequest.CLRSTATUS -> {
                if (state != DfuState.ERROR) {
                    return stall();
                }
                state = DfuState.DFU_IDLE;
                status = DfuStatus.OK;
                return true;
            }
            case DfuRequest.ABORT -> {
                state = DfuState.DFU_IDLE;
                return true;
            }
            default -> {
                return stall();
            }
        }
    }

    @Override
    public byte[] controlIn(int request, int value, int length) {
        switch (request) {
            case DfuRequest.GETSTATUS -> {
                advance();
                int poll = state == DfuState.DNBUSY ? 1 : 0;
                return new byte[] {(byte) status.code(), (byte) poll, 0, 0, (byte) state.code(), 0};
            }
            case DfuRequest.GETSTATE -> {
                return new byte[] {(byte) state.code()};
            }
            case DfuRequest.UPLOAD -> {
                if (state != DfuState.DFU_IDLE && state != DfuState.UPLOAD_IDLE) {
                    stall();
                    return null;
                }
                if (value == 0) {
                    state = DfuState.UPLOAD_IDLE;
                    return new byte[] {Dfuse.GET_COMMANDS, Dfuse.SET_ADDRESS, Dfuse.ERASE, (byte) Dfuse.READ_UNPROTECT};
                }
                long at = pointer + (long) (value - 2) * length;
                if (value < 2 || !inFlash(at, length)) {
                    fail(DfuStatus.ERR_ADDRESS);
                    return null;
                }
                byte[] out = new byte[length];
                flash.read(at - part.flashBase(), out, 0, length);
                state = DfuState.UPLOAD_IDLE;
                return out;
            }
            default -> {
                stall();
                return null;
            }
        }
    }

    private void advance() {
        switch (state) {
            case DNLOAD_SYNC -> state = execute() ? DfuState.DNBUSY : DfuState.ERROR;
            case DNBUSY -> state = DfuState.DNLOAD_IDLE;
            case MANIFEST_SYNC -> {
                startedAt = pointer;
                state = DfuState.MANIFEST;
            }
            default -> { }
        }
    }

    private boolean execute() {
        try {
            if (pendingBlock == 0) {
                return command();
            }
            long at = pointer + (long) (pendingBlock - 2) * TRANSFER_SIZE;
            if (!inFlash(at, pending.length)) {
                return fail(DfuStatus.ERR_ADDRESS);
            }
            int unit = flash.geometry().programUnit();
            byte[] padded = Arrays.copyOf(pending, (pending.length + unit - 1) / unit * unit);
            Arrays.fill(padded, pending.length, padded.length, (byte) 0xFF);
            flash.program(at - part.flashBase(), padded, 0, padded.length);
            return true;
        } catch (IOException flashRule) {
            return fail(DfuStatus.ERR_PROG);
        }
    }

    private boolean command() throws IOException {
        int cmd = pending[0] & 0xFF;
        if (cmd == Dfuse.SET_ADDRESS && pending.length == 5) {
            long a = LittleEndian.u32(pending, 1);
            if (!inFlash(a, 1)) {
                return fail(DfuStatus.ERR_ADDRESS);
            }
            pointer = a;
            return true;
        }
        if (cmd == Dfuse.ERASE && pending.length == 1) {
            for (int s = 0; s < part.map().count(); s++) {
                flash.erase(s);
            }
            return true;
        }
        if (cmd == Dfuse.ERASE && pending.length == 5) {
            long a = LittleEndian.u32(pending, 1);
            if (!inFlash(a, 1)) {
                return fail(DfuStatus.ERR_ADDRESS);
            }
            flash.erase(part.map().sectorAt(a - part.flashBase()));
            return true;
        }
        if (cmd == Dfuse.READ_UNPROTECT && pending.length == 1) {
            return true; // no read protection in the model
        }
        return fail(DfuStatus.ERR_STALLEDPKT);
    }

    private boolean inFlash(long address, int length) {
        return address >= part.flashBase() && address + length <= part.flashBase() + flash.size();
    }

    private boolean fail(DfuStatus s) {
        status = s;
        state = DfuState.ERROR;
        return false;
    }

    private boolean stall() {
        return fail(DfuStatus.ERR_STALLEDPKT);
    }
}
