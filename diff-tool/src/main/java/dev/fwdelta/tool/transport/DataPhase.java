// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;

/**
 * The data phase (docs/PROTOCOL.md): DATA frames written, their answers read between them. What
 * {@link SelectiveRepeat} and {@link GoBackN} do alike is here: writing a new frame, waiting for an
 * answer, and telling an answer to DATA from a frame that came instead. Answers are read only
 * here, on the sending thread: {@link FrameReader}'s thread only decodes frames.
 */
abstract class DataPhase {
    /** The channel's shared state. */
    final UartTransfer t;

    DataPhase(UartTransfer t) {
        this.t = t;
    }

    /** One step of the data phase: a frame written, or an answer awaited; the acknowledged offset after it. */
    abstract long send(byte[] patch) throws IOException;

    /** A new session starts at READY's offset: nothing of the last one is in flight. */
    abstract void clear();

    /**
     * The device expects the patch from {@code offset} again (restart, or DONE too early): the
     * host goes back there.
     */
    abstract void restartAt(long offset);

    /** The frame just read, with the time it was read: what it says about the frames in flight. */
    abstract void answer(Frame f, long now) throws IOException;

    /** The DATA frame of patch bytes {@code start..start + n} was written at {@code now}. */
    abstract void wrote(long start, int n, long now, boolean again);

    /** Whether {@code f} answers a DATA frame: an ACK or NAK (or, under selective repeat, SACK) with its offset. */
    abstract boolean answersData(Frame f);

    /** The frames the device answered while the host wrote. */
    void drainAnswers() throws IOException {
        for (Frame f = t.in.poll(0); f != null; f = t.in.poll(0)) {
            handle(f);
        }
    }

    /**
     * Waits until {@code afterWriteMs} after the last write for an answer, and handles it; false
     * if none came. Silence for the whole answer timeout is a lost link.
     */
    boolean answered(long afterWriteMs) throws IOException {
        long wait = afterWriteMs - (System.nanoTime() - t.lastWriteNs) / 1_000_000;
        Frame f = wait > 0 ? t.in.poll(wait) : null;
        if (f != null) {
            handle(f);
            return true;
        }
        if ((System.nanoTime() - t.lastHeardNs) / 1_000_000 >= t.timeoutMs) {
            throw t.lost(t.others.none() ? t.device() + " stopped answering"
                    : t.device() + " stopped answering DATA frames" + t.others.sentInstead());
        }
        return false;
    }

    private void handle(Frame f) throws IOException {
        long now = System.nanoTime();
        answer(f, now);
        if (answersData(f)) {
            t.lastHeardNs = now;
            t.others.answered();
            t.beforeSilence = null; // the device answers where it should: the timeouts before were the line's
        } else {
            t.others.note(f);
        }
    }

    /** The next frame of new or sent-again patch bytes from {@code t.next}, as large as the frame size allows. */
    void sendData(byte[] patch) throws IOException {
        int n = (int) Math.min(t.sizer.payload(), patch.length - t.next);
        boolean again = t.next < t.sentUpTo;
        if (again) {
            t.counters.retransmittedBytes += n;
            t.counters.retransmittedFrames++;
        }
        byte[] p = new byte[4 + n];
        LittleEndian.put32(p, 0, t.next);
        System.arraycopy(patch, (int) t.next, p, 4, n);
        t.write(FrameType.DATA, p);
        t.counters.dataFrames++;
        long now = System.nanoTime();
        t.lastWriteNs = now;
        wrote(t.next, n, now, again);
        t.next += n;
        t.sentUpTo = Math.max(t.sentUpTo, t.next);
        t.sentEnd = Math.max(t.sentEnd, t.next);
    }

    /** A RESULT answers no DATA frame: the device ended the transfer, and says why. */
    static void refuseOnResult(Frame f) throws DeviceRefusedException {
        if (f.type() == FrameType.RESULT) {
            throw DeviceAnswers.refused(f);
        }
    }
}
