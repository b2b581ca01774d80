package dev.fwdelta.tool.transport.dfu;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.dfu.DfuDevice;
import dev.fwdelta.runtime.transport.dfu.DfuRequest;
import dev.fwdelta.runtime.transport.dfu.DfuState;
import dev.fwdelta.runtime.transport.dfu.DfuStatus;
import dev.fwdelta.tool.transport.UartChannel;
import java.io.IOException;

/**
 * Drives a fwdelta DFU device (docs/PROTOCOL.md section 2): block 0 with the header, UPLOAD for
 * the resume point, blocks from there, a zero-length block to manifest; GETSTATUS after each,
 * waiting bwPollTimeout while the device is busy. A stalled request is cleared and the transfer
 * resumes from the device's resume point.
 */
public final class DfuChannel {
    /** What a transfer did. */
    public record Result(long patchBytes, long firstOffset, int stallsRecovered, int polls) {
    }

    private static final int MAX_RECOVERIES = 10;
    private static final int MAX_POLLS = 1000;

    private final ControlTransfer usb;
    private final UartChannel.Progress progress;
    private int polls;

    public DfuChannel(ControlTransfer usb, UartChannel.Progress progress) {
        this.usb = usb;
        this.progress = progress;
    }

    public Result send(byte[] patch) throws IOException {
        int recoveries = 0;
        long firstOffset = -1;
        while (true) {
            try {
                makeIdle();
                int headerSize = UartChannel.headerSize(patch);
                byte[] b0 = new byte[4 + headerSize];
                LittleEndian.put32(b0, 0, patch.length);
                System.arraycopy(patch, 0, b0, 4, headerSize);
                download(0, b0, "the patch header");
                long offset = resumePoint();
                if (firstOffset < 0) {
                    firstOffset = offset;
                }
                int blockNumber = 1;
                for (long off = offset; off < patch.length; off += DfuDevice.TRANSFER_SIZE) {
                    int n = (int) Math.min(DfuDevice.TRANSFER_SIZE, patch.length - off);
                    byte[] chunk = java.util.Arrays.copyOfRange(patch, (int) off, (int) off + n);
                    download(blockNumber, chunk, "block " + blockNumber);
                    blockNumber = (blockNumber + 1) & 0xFFFF;
                    progress.update(off + n, patch.length, offset);
                }
                usb.out(DfuRequest.DNLOAD, blockNumber, new byte[0]);
                byte[] s = pollWhileBusy("manifestation");
                if (DfuState.of(s[4]) != DfuState.DFU_IDLE) {
                    throw new DfuException("manifestation did not end idle", DfuStatus.of(s[0]), DfuState.of(s[4]));
                }
                return new Result(patch.length, firstOffset, recoveries, polls);
            } catch (StallException e) {
                if (++recoveries > MAX_RECOVERIES) {
                    throw new IOException("the DFU device keeps stalling: " + e.getMessage(), e);
                }
            }
        }
    }

    private void download(int blockNumber, byte[] data, String what) throws IOException {
        usb.out(DfuRequest.DNLOAD, blockNumber, data);
        byte[] s = pollWhileBusy(what);
        if (DfuState.of(s[4]) != DfuState.DNLOAD_IDLE) {
            throw new DfuException(what + " not accepted", DfuStatus.of(s[0]), DfuState.of(s[4]));
        }
    }

    /** GETSTATUS until the device leaves a busy state, sleeping bwPollTimeout in between. */
    private byte[] pollWhileBusy(String what) throws IOException {
        for (int i = 0; i < MAX_POLLS; i++) {
            byte[] s = status();
            DfuState state = DfuState.of(s[4]);
            if (state == DfuState.ERROR) {
                throw new DfuException(what + " failed", DfuStatus.of(s[0]), state);
            }
            if (state != DfuState.DNBUSY && state != DfuState.DNLOAD_SYNC && state != DfuState.MANIFEST
                    && state != DfuState.MANIFEST_SYNC) {
                return s;
            }
            int pollMs = (s[1] & 0xFF) | (s[2] & 0xFF) << 8 | (s[3] & 0xFF) << 16;
            sleep(pollMs);
        }
        throw new IOException(what + ": the device stayed busy for " + MAX_POLLS + " polls");
    }

    private byte[] status() throws IOException {
        polls++;
        byte[] s = usb.in(DfuRequest.GETSTATUS, 0, 6);
        if (s.length != 6) {
            throw new IOException("DFU_GETSTATUS returned " + s.length + " bytes, not 6");
        }
        return s;
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

    private long resumePoint() throws IOException {
        byte[] r = usb.in(DfuRequest.UPLOAD, 0, 12);
        if (r.length != 12 || r[0] != 'F' || r[1] != 'W' || r[2] != 'D' || r[3] != 'S') {
            throw new IOException("the DFU device is not a fwdelta device (no FWDS status in DFU_UPLOAD)");
        }
        return LittleEndian.u32(r, 4);
    }

    private static void sleep(int ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }
}
