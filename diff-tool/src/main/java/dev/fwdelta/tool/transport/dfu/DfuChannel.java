// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.dfu.DfuDevice;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.transport.DeviceProtocolException;
import dev.fwdelta.tool.transport.HostSession;
import java.io.IOException;
import java.util.Arrays;

/**
 * USB DFU (docs/PROTOCOL.md section 2) under the {@link HostSession}: block 0 with the length and
 * header, DFU_UPLOAD for the resume point, blocks from there, a zero-length block to manifest;
 * GETSTATUS after each, waiting bwPollTimeout (up to {@link PollWait#MAX_WAIT_MS}) while the device
 * is busy. errADDRESS (a gap, or the device restarted the update) is cleared and the transfer goes
 * on from the resume point the device reports; a stalled request is a lost link, and the session
 * begins again.
 */
public final class DfuChannel implements HostSession.Channel {
    public static final int MAX_RECOVERIES = 10;
    private static final int MAX_POLLS = 1000;

    private final ControlTransfer usb;
    private final PollWait pollWait;
    private int polls;
    private int blockNumber;
    /** Data blocks sent so far (block 0, the header, is not one). */
    private long dataBlocks;
    /** The length block 0 announced: no resume point may be past it. */
    private long patchLength;
    /** The end of the patch bytes sent in this session (from the first resume point on). */
    private long sentEnd;

    public DfuChannel(ControlTransfer usb) {
        this(usb, PollWait.THREAD_SLEEP);
    }

    /** With {@code sleeper} for the waits between polls (tests count them instead of waiting). */
    public DfuChannel(ControlTransfer usb, PollWait.Sleeper sleeper) {
        this.usb = usb;
        this.pollWait = new PollWait(sleeper);
    }

    /** Sends {@code patch} to the DFU device: the whole transfer, recoveries included. */
    public static HostSession.Result send(ControlTransfer usb, byte[] patch, HostSession.Progress progress)
            throws IOException {
        return new HostSession(new DfuChannel(usb), progress, MAX_RECOVERIES).send(patch);
    }

    /** GETSTATUS requests made so far. */
    public int polls() {
        return polls;
    }

    @Override
    public long begin(long patchLength, byte[] header) throws IOException {
        try {
            makeIdle();
            byte[] b0 = new byte[4 + header.length];
            LittleEndian.put32(b0, 0, patchLength);
            System.arraycopy(header, 0, b0, 4, header.length);
            download(0, b0, "the patch header");
            blockNumber = 1;
            this.patchLength = patchLength;
            sentEnd = resumePoint(patchLength, "the patch length");
            return sentEnd;
        } catch (StallException e) {
            throw lost(e);
        }
    }

    @Override
    public long send(byte[] patch, long acked) throws IOException {
        int n = (int) Math.min(DfuDevice.TRANSFER_SIZE, patch.length - acked);
        try {
            sentEnd = Math.max(sentEnd, acked + n);
            dataBlocks++;
            download(blockNumber, Arrays.copyOfRange(patch, (int) acked, (int) acked + n), "block " + blockNumber);
            blockNumber = (blockNumber + 1) & 0xFFFF;
            return acked + n;
        } catch (DfuException e) {
            if (e.status() != DfuStatus.ERR_ADDRESS) {
                throw e;
            }
            return recover(Math.min(sentEnd, patchLength), "the patch bytes sent in this session");
        } catch (StallException e) {
            throw lost(e);
        }
    }

    @Override
    public long done(long patchLength) throws IOException {
        try {
            usb.out(DfuRequest.DNLOAD, blockNumber, new byte[0]);
            byte[] s = pollWhileBusy("manifestation");
            if (DfuState.of(s[4]) != DfuState.DFU_IDLE) {
                throw new DfuException("manifestation did not end idle", DfuStatus.of(s[0]), DfuState.of(s[4]));
            }
            return patchLength;
        } catch (DfuException e) {
            if (e.status() != DfuStatus.ERR_NOTDONE && e.status() != DfuStatus.ERR_ADDRESS) {
                throw e;
            }
            // The device did not finish the patch: it wants bytes before its end. An offset at the
            // end would make the session's end a success the device never reported.
            return recover(patchLength - 1, "the patch bytes before its end (the device did not finish it)");
        } catch (StallException e) {
            throw lost(e);
        }
    }

    @Override
    public String deviceMessage() {
        return "staged and verified";
    }

    @Override
    public long dataFrames() {
        return dataBlocks;
    }

    @Override
    public String device() {
        return "the DFU device";
    }

    /**
     * The device wants bytes from elsewhere: clear the error, read where (0..{@code max}), back to
     * dfuIDLE. A stall on the way is a lost link, as anywhere else: it ended the send instead, since
     * it was thrown from within the handler of the device's error.
     */
    private long recover(long max, String limit) throws IOException {
        try {
            usb.out(DfuRequest.CLRSTATUS, 0, new byte[0]);
            long from = resumePoint(max, limit);
            usb.out(DfuRequest.ABORT, 0, new byte[0]); // DFU_UPLOAD in dfuIDLE left it in dfuUPLOAD-IDLE
            return from;
        } catch (StallException e) {
            throw lost(e);
        }
    }

    private static HostSession.LinkLostException lost(StallException e) {
        HostSession.LinkLostException l = new HostSession.LinkLostException("the DFU device keeps stalling: "
                + e.getMessage());
        l.initCause(e);
        return l;
    }

    private void download(int number, byte[] data, String what) throws IOException {
        usb.out(DfuRequest.DNLOAD, number, data);
        byte[] s = pollWhileBusy(what);
        if (DfuState.of(s[4]) != DfuState.DNLOAD_IDLE) {
            throw new DfuException(what + " not accepted", DfuStatus.of(s[0]), DfuState.of(s[4]));
        }
    }

    /** GETSTATUS until the device leaves a busy state, waiting bwPollTimeout (capped) in between. */
    private byte[] pollWhileBusy(String what) throws IOException {
        for (int i = 0; i < MAX_POLLS; i++) {
            byte[] s = status();
            DfuState state = DfuState.of(s[4]);
            if (state == DfuState.ERROR) {
                throw new DfuException(what + " failed", DfuStatus.of(s[0]), state);
            }
            if (!GetStatus.busy(s)) {
                return s;
            }
            pollWait.after(s);
        }
        throw new IOException(what + ": the device stayed busy for " + MAX_POLLS + " polls");
    }

    private byte[] status() throws IOException {
        polls++;
        return GetStatus.request(usb);
    }

    /** Brings the device to dfuIDLE: clears an error, aborts anything under way. */
    private void makeIdle() throws IOException {
        byte[] s = status();
        DfuState state = DfuState.of(s[4]);
        if (state == DfuState.ERROR) {
            usb.out(DfuRequest.CLRSTATUS, 0, new byte[0]);
        } else if (state != DfuState.DFU_IDLE) {
            usb.out(DfuRequest.ABORT, 0, new byte[0]);
        }
        state = DfuState.of(status()[4]);
        if (state != DfuState.DFU_IDLE) {
            throw new IOException("the DFU device does not return to dfuIDLE (state " + state + ")");
        }
    }

    /** The resume point DFU_UPLOAD reports, checked against {@code 0..max}, what {@code limit} names. */
    private long resumePoint(long max, String limit) throws IOException {
        byte[] r = usb.in(DfuRequest.UPLOAD, 0, 12);
        if (r.length != 12 || r[0] != 'F' || r[1] != 'W' || r[2] != 'D' || r[3] != 'S') {
            throw new IOException("the DFU device is not a fwdelta device (no FWDS status in DFU_UPLOAD)");
        }
        return DeviceProtocolException.checked("the DFU device", "resume point (DFU_UPLOAD FWDS offset)",
                LittleEndian.u32(r, 4), max, limit);
    }
}
