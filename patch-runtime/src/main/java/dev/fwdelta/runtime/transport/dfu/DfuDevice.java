// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport.dfu;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.TransferSession;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * USB DFU 1.1 for fwdelta (docs/PROTOCOL.md section 2): the DFU class state machine in front of the
 * {@link TransferSession}. Block 0 is the session's begin (u32 length + header); DFU_UPLOAD reports
 * the resume point; blocks 1, 2, ... carry the patch from there; a zero-length DNLOAD is done. A
 * gap or a restart of the agent is errADDRESS: the host clears it and reads the resume point again.
 * RAM: one wTransferSize block, the class machine's 7 bytes of GETSTATUS and GETSTATE answers,
 * and the session's; nothing is allocated per block.
 */
public final class DfuDevice implements DfuClassMachine.Function {
    public static final int TRANSFER_SIZE = 1024;

    private final TransferSession session;
    private final DfuClassMachine machine;
    private int expectedBlock;

    public DfuDevice(Supplier<UpdateAgent> agents, int pollTimeoutMs) {
        this.session = new TransferSession(agents);
        this.machine = new DfuClassMachine(this, TRANSFER_SIZE, pollTimeoutMs, true);
    }

    public DfuState state() {
        return machine.state();
    }

    /** A host-to-device request; false means the device stalled it. */
    public boolean controlOut(int request, int value, byte[] data) {
        return machine.controlOut(request, value, data);
    }

    /** A device-to-host request; null means the device stalled it; the answer is valid until the next request. */
    public byte[] controlIn(int request, int value, int length) {
        return machine.controlIn(request, value, length);
    }

    @Override
    public DfuStatus download(int blockNumber, byte[] block, int length) {
        try {
            if (blockNumber == 0) {
                expectedBlock = 1;
                return statusOf(session.begin(Arrays.copyOf(block, length)));
            }
            if (session.patchLength() < 0 || blockNumber != expectedBlock) {
                return DfuStatus.ERR_ADDRESS;
            }
            DfuStatus s = statusOf(session.data(session.resumeOffset(), block, 0, length));
            if (s == DfuStatus.OK) {
                expectedBlock = (expectedBlock + 1) & 0xFFFF;
            }
            return s;
        } catch (IOException | IllegalStateException e) {
            return DfuStatus.ERR_WRITE;
        }
    }

    @Override
    public DfuStatus manifest() {
        try {
            TransferSession.Reply r = session.done();
            if (r.kind() == TransferSession.Kind.GAP) {
                return DfuStatus.ERR_NOTDONE;
            }
            return r.kind() == TransferSession.Kind.RESULT && !r.ok() ? DfuStatus.ERR_VERIFY : statusOf(r);
        } catch (IOException | IllegalStateException e) {
            return DfuStatus.ERR_WRITE;
        }
    }

    /** "FWDS", u32 resume offset, u32 patch length (0 when no transfer is open). */
    @Override
    public byte[] upload(int blockNumber, int length) {
        byte[] r = new byte[12];
        r[0] = 'F';
        r[1] = 'W';
        r[2] = 'D';
        r[3] = 'S';
        LittleEndian.put32(r, 4, session.resumeOffset());
        LittleEndian.put32(r, 8, Math.max(0, session.patchLength()));
        return r;
    }

    private static DfuStatus statusOf(TransferSession.Reply r) {
        return switch (r.kind()) {
            case READY, ACK -> DfuStatus.OK;
            case DUPLICATE, GAP, RESTARTED, IGNORED -> DfuStatus.ERR_ADDRESS;
            case RESULT -> r.ok() ? DfuStatus.OK : statusOf(ErrorCode.ofNumber(r.status()));
        };
    }

    private static DfuStatus statusOf(ErrorCode code) {
        if (code == null) {
            return DfuStatus.ERR_FILE;
        }
        return switch (code) {
            case SIGNATURE_INVALID, UNKNOWN_KEY, UNSIGNED_PATCH, ROLLBACK, WRONG_HARDWARE, WRONG_BASE_IMAGE,
                 WRONG_LOAD_ADDRESS, RAM_BUDGET_EXCEEDED -> DfuStatus.ERR_TARGET;
            case IO_ERROR -> DfuStatus.ERR_WRITE;
            default -> DfuStatus.ERR_FILE;
        };
    }
}
