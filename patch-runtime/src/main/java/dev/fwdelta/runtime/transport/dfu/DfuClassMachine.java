// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport.dfu;

import java.util.Arrays;

/**
 * The DFU 1.1 class state machine (docs/PROTOCOL.md section 2), one for every DFU function: it
 * checks each request against the state, stalls what the state does not allow (dfuERROR,
 * errSTALLEDPKT, until DFU_CLRSTATUS), and moves the synchronisation states on at DFU_GETSTATUS,
 * which is when the function processes the block it was given. What a block or the manifestation
 * means, and what DFU_UPLOAD returns, is the {@link Function}'s. RAM: one wTransferSize block
 * and the 6-byte GETSTATUS and 1-byte GETSTATE answers, which {@link #controlIn} returns in
 * place: valid until the next request.
 */
public final class DfuClassMachine {
    /** What the DFU interface does with the data (fwdelta's transfer session, ST's DfuSe commands). */
    public interface Function {
        /** Whether a DNLOAD of this block number is accepted at all (else it stalls). */
        default boolean accepts(int blockNumber) {
            return true;
        }

        /** Processes a downloaded block (at GETSTATUS in dfuDNLOAD-SYNC): OK, or the error status. */
        DfuStatus download(int blockNumber, byte[] block, int length);

        /** The zero-length DNLOAD: OK, or the error status. */
        DfuStatus manifest();

        /** DFU_UPLOAD of a block: its bytes (fewer than {@code length} end the upload), or null to stall. */
        byte[] upload(int blockNumber, int length);
    }

    private final Function function;
    private final int transferSize;
    private final int pollTimeoutMs;
    private final boolean manifestationTolerant;
    private final byte[] block;
    /** GETSTATUS and GETSTATE answers, sent once per block: written in place, not allocated. */
    private final byte[] statusReply = new byte[6];
    private final byte[] stateReply = new byte[1];
    private DfuState state = DfuState.DFU_IDLE;
    private DfuStatus status = DfuStatus.OK;
    private int blockLength;
    private int blockNumber;

    /**
     * @param manifestationTolerant true: back to dfuIDLE after manifesting (fwdelta); false: the
     *                              device waits for a reset (ST's ROM, which starts the firmware)
     */
    public DfuClassMachine(Function function, int transferSize, int pollTimeoutMs, boolean manifestationTolerant) {
        this.function = function;
        this.transferSize = transferSize;
        this.pollTimeoutMs = pollTimeoutMs;
        this.manifestationTolerant = manifestationTolerant;
        this.block = new byte[transferSize];
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
                if (data.length > transferSize || !function.accepts(value & 0xFFFF)) {
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
                // Not in dfuERROR (DFU_CLRSTATUS clears it) nor while busy.
                if (state == DfuState.ERROR || state == DfuState.DNBUSY || state == DfuState.MANIFEST
                        || state == DfuState.MANIFEST_WAIT_RESET) {
                    return stall();
                }
                state = DfuState.DFU_IDLE;
                return true;
            }
            default -> {
                return stall(); // DFU_DETACH included: already in DFU mode
            }
        }
    }

    /**
     * A device-to-host request; null means the device stalled it. GETSTATUS and GETSTATE answer
     * in the machine's own arrays, valid until the next request (the USB stack sends them at once).
     */
    public byte[] controlIn(int request, int value, int length) {
        switch (request) {
            case DfuRequest.GETSTATUS -> {
                advance();
                byte[] s = statusReply;
                s[0] = (byte) status.code();
                int poll = state == DfuState.DNBUSY || state == DfuState.MANIFEST ? pollTimeoutMs : 0;
                s[1] = (byte) poll;
                s[2] = (byte) (poll >>> 8);
                s[3] = (byte) (poll >>> 16);
                s[4] = (byte) state.code();
                return length >= s.length ? s : Arrays.copyOf(s, length);
            }
            case DfuRequest.GETSTATE -> {
                stateReply[0] = (byte) state.code();
                return stateReply;
            }
            case DfuRequest.UPLOAD -> {
                // fwdelta also reads its transfer status in dfuDNLOAD-IDLE (between blocks).
                if (state != DfuState.DFU_IDLE && state != DfuState.UPLOAD_IDLE && state != DfuState.DNLOAD_IDLE) {
                    stall();
                    return null;
                }
                byte[] r = function.upload(value & 0xFFFF, length);
                if (r == null) {
                    stall();
                    return null;
                }
                if (state != DfuState.DNLOAD_IDLE) {
                    state = r.length < length ? DfuState.DFU_IDLE : DfuState.UPLOAD_IDLE;
                }
                return Arrays.copyOf(r, Math.min(r.length, length));
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
            case DNLOAD_SYNC -> end(function.download(blockNumber, block, blockLength), DfuState.DNBUSY);
            case DNBUSY -> state = DfuState.DNLOAD_IDLE;
            case MANIFEST_SYNC -> end(function.manifest(), DfuState.MANIFEST);
            case MANIFEST -> state = manifestationTolerant ? DfuState.DFU_IDLE : DfuState.MANIFEST_WAIT_RESET;
            default -> { }
        }
    }

    private void end(DfuStatus outcome, DfuState next) {
        if (outcome == DfuStatus.OK) {
            state = next;
        } else {
            status = outcome;
            state = DfuState.ERROR;
        }
    }

    private boolean stall() {
        state = DfuState.ERROR;
        status = DfuStatus.ERR_STALLEDPKT;
        return false;
    }
}
