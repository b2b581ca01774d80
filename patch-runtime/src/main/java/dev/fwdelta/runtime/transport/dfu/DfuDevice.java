package dev.fwdelta.runtime.transport.dfu;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import java.io.IOException;
import dev.fwdelta.runtime.transport.UartDevice;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The device side of USB DFU 1.1 for fwdelta (docs/PROTOCOL.md section 2): the class state
 * machine, feeding DNLOAD blocks to the update agent. Block 0 is the patch header; DFU_UPLOAD
 * reports the resume point; blocks 1.. carry the patch from there; a zero-length DNLOAD
 * manifests (the agent's finish). A request the state does not allow stalls and sets
 * dfuERROR/errSTALLEDPKT until DFU_CLRSTATUS. RAM: one wTransferSize block.
 */
public final class DfuDevice {
    public static final int TRANSFER_SIZE = 1024;

    private final Supplier<UpdateAgent> agents;
    private final int pollTimeoutMs;
    private UpdateAgent agent;
    private DfuState state = DfuState.DFU_IDLE;
    private DfuStatus status = DfuStatus.OK;
    private final byte[] block = new byte[TRANSFER_SIZE];
    private int blockLength;
    private int blockNumber;
    private int expectedBlock;
    private long patchLength = -1;
    private long expected;

    public DfuDevice(Supplier<UpdateAgent> agents, int pollTimeoutMs) {
        this.agents = agents;
        this.pollTimeoutMs = pollTimeoutMs;
        this.agent = agents.get();
    }

    public DfuState state() {
        return state;
    }

    /** A host-to-device request; false means the device stalled it. */
    public boolean controlOut(int request, int value, byte[] data) {
        switch (request) {
            case DfuRequest.DNLOAD -> {
                if (state != DfuState.DFU_IDLE && state != DfuState.DNLOAD_IDLE) {
                    return stall();
                }
                if (data.length == 0) {
                    if (state != DfuState.DNLOAD_IDLE) {
                        return stall();
                    }
                    state = DfuState.MANIFEST_SYNC;
                    return true;
                }
                if (data.length > TRANSFER_SIZE) {
                    return stall();
                }
                System.arraycopy(data, 0, block, 0, data.length);
                blockLength = data.length;
                blockNumber = value & 0xFFFF;
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
                if (state == DfuState.ERROR || state == DfuState.DNBUSY || state == DfuState.MANIFEST) {
                    return stall();
                }
                state = DfuState.DFU_IDLE;
                return true;
            }
            case DfuRequest.DETACH -> {
                return stall(); // already in DFU mode (the runtime is the DFU function)
            }
            default -> {
                return stall();
            }
        }
    }

    /** A device-to-host request; null means the device stalled it. */
    public byte[] controlIn(int request, int value, int length) {
        switch (request) {
            case DfuRequest.GETSTATUS -> {
                advance();
                byte[] s = new byte[6];
                s[0] = (byte) status.code();
                int poll = state == DfuState.DNBUSY || state == DfuState.MANIFEST ? pollTimeoutMs : 0;
                s[1] = (byte) poll;
                s[2] = (byte) (poll >>> 8);
                s[3] = (byte) (poll >>> 16);
                s[4] = (byte) state.code();
                return Arrays.copyOf(s, Math.min(length, 6));
            }
            case DfuRequest.GETSTATE -> {
                return new byte[] {(byte) state.code()};
            }
            case DfuRequest.UPLOAD -> {
                if (state != DfuState.DFU_IDLE && state != DfuState.DNLOAD_IDLE) {
                    stall();
                    return null;
                }
                byte[] r = new byte[12];
                r[0] = 'F';
                r[1] = 'W';
                r[2] = 'D';
                r[3] = 'S';
                LittleEndian.put32(r, 4, patchLength < 0 ? agent.resumeOffset() : expected);
                LittleEndian.put32(r, 8, Math.max(0, patchLength));
                return Arrays.copyOf(r, Math.min(length, r.length));
            }
            default -> {
                stall();
                return null;
            }
        }
    }

    /** GETSTATUS moves the synchronisation states on: this is where blocks are processed. */
    private void advance() {
        switch (state) {
            case DNLOAD_SYNC -> {
                state = process() ? DfuState.DNBUSY : DfuState.ERROR;
            }
            case DNBUSY -> state = DfuState.DNLOAD_IDLE;
            case MANIFEST_SYNC -> {
                state = manifest() ? DfuState.MANIFEST : DfuState.ERROR;
            }
            case MANIFEST -> state = DfuState.DFU_IDLE; // manifestation tolerant: back to idle
            default -> { }
        }
    }

    private boolean process() {
        try {
            if (blockNumber == 0) {
                if (!UartDevice.carriesWholeHeader(Arrays.copyOf(block, blockLength), 4)) {
                    return fail(DfuStatus.ERR_FILE);
                }
                if (agent.state() == UpdateAgent.State.FAILED) {
                    agent = agents.get();
                }
                expected = agent.begin(Arrays.copyOfRange(block, 4, blockLength));
                patchLength = LittleEndian.u32(block, 0);
                expectedBlock = 1;
                return true;
            }
            if (patchLength < 0 || blockNumber != expectedBlock || expected + blockLength > patchLength) {
                return fail(DfuStatus.ERR_ADDRESS);
            }
            agent.receive(block, 0, blockLength);
            expected += blockLength;
            expectedBlock = (expectedBlock + 1) & 0xFFFF;
            return true;
        } catch (PatchException e) {
            patchLength = -1;
            return fail(statusOf(e.code()));
        } catch (IOException | IllegalStateException e) {
            patchLength = -1;
            return fail(DfuStatus.ERR_WRITE);
        }
    }

    private boolean manifest() {
        try {
            if (patchLength < 0 || expected != patchLength) {
                return fail(DfuStatus.ERR_NOTDONE);
            }
            agent.finish();
            return true;
        } catch (PatchException e) {
            return fail(DfuStatus.ERR_VERIFY);
        } catch (IOException | IllegalStateException e) {
            return fail(DfuStatus.ERR_WRITE);
        } finally {
            patchLength = -1;
        }
    }

    private static DfuStatus statusOf(ErrorCode code) {
        return switch (code) {
            case SIGNATURE_INVALID, UNKNOWN_KEY, UNSIGNED_PATCH, ROLLBACK, WRONG_HARDWARE, WRONG_BASE_IMAGE,
                 RAM_BUDGET_EXCEEDED -> DfuStatus.ERR_TARGET;
            case IO_ERROR -> DfuStatus.ERR_WRITE;
            default -> DfuStatus.ERR_FILE;
        };
    }

    private boolean fail(DfuStatus s) {
        status = s;
        return false;
    }

    private boolean stall() {
        state = DfuState.ERROR;
        status = DfuStatus.ERR_STALLEDPKT;
        return false;
    }
}
