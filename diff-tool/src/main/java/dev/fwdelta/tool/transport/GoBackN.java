// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The data phase of the protocol's version 1 (docs/PROTOCOL.md), with a device that does not do
 * selective repeat or a host made without it: a window of frames, and from the acknowledged offset
 * again on a NAK or a timeout.
 */
final class GoBackN extends DataPhase {
    /**
     * Frames written and not yet acknowledged: {end offset, write end in ns, 1 if a retransmission,
     * patch bytes, number of the DATA frame (counters.dataFrames before it was written)}.
     */
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    /** The offset of the last go-back (-1: none since the last answer that moved past it). */
    private long goBackOffset = -1;
    /**
     * Answers owed for the DATA frames written (the device answers each frame it reads, in order),
     * and how many of those answer frames written before the last go-back.
     */
    private long owed;
    private long staleAnswers;
    /** The frame in flight at the acknowledged offset when the host last went back (null: none). */
    private long[] lostAtGoBack;

    GoBackN(UartTransfer t) {
        super(t);
    }

    @Override
    long send(byte[] patch) throws IOException {
        drainAnswers();
        if (t.acked >= patch.length) {
            return t.acked;
        }
        if (t.next < patch.length && t.next - t.acked < t.window()) {
            sendData(patch);
            drainAnswers();
            return t.acked;
        }
        if (t.next >= patch.length) {
            t.fill(); // everything is on the line: complete a last frame that lost a byte
        }
        if (answered(t.rtt.timeoutMs())) {
            return t.acked;
        }
        // Nothing came back for the frames in flight (the last one was cut, or every answer
        // lost): send again from the acknowledged offset.
        t.counters.timeouts++;
        if (t.beforeSilence == null) {
            t.beforeSilence = t.sizer.snapshot();
        }
        lostFirstInFlight(true);
        goBack(t.acked);
        goBackOffset = -1;
        owed = 0; // the answers given up on: any that still comes is taken as new
        staleAnswers = 0;
        return t.acked;
    }

    @Override
    void wrote(long start, int n, long now, boolean again) {
        inFlight.addLast(new long[] {start + n, now, again ? 1 : 0, n, t.counters.dataFrames - 1});
        owed++;
    }

    @Override
    void clear() {
        goBackOffset = -1;
        owed = 0;
        staleAnswers = 0;
        inFlight.clear();
    }

    /**
     * A go-back as any other: the frames written before it draw NAKs at the offset, which are old
     * news.
     */
    @Override
    void restartAt(long offset) {
        t.acked = offset;
        goBack(offset);
    }

    @Override
    boolean answersData(Frame f) {
        return f.payload().length >= 4 && (f.type() == FrameType.ACK || f.type() == FrameType.NAK);
    }

    /**
     * ACK or NAK: the acknowledged offset moves on, or the host goes back, once per gap. Every
     * frame written after a lost one draws a NAK for the same offset; the device answers in
     * order, so the answers still owed when the host went back answer frames written before: a
     * NAK at that offset among them is old news, and the first one after them says a frame sent
     * again was lost too (counted, not timed: answers that come back quickly are no reason to
     * wait for a timeout).
     */
    @Override
    void answer(Frame f, long now) throws IOException {
        refuseOnResult(f);
        if (f.type() != FrameType.ACK && f.type() != FrameType.NAK) {
            return; // INFO or READY of an earlier attempt
        }
        boolean stale = staleAnswers > 0;
        if (stale) {
            staleAnswers--;
        }
        if (owed > 0) {
            owed--;
        }
        byte[] p = f.payload();
        switch (f.type()) {
            case ACK -> {
                long off = p.length >= 4 ? t.answeredOffset(f, "ACK offset") : -1;
                if (off >= 0 && off < t.acked) {
                    throw t.wentBack(f, off);
                }
                if (off > t.acked) {
                    acknowledged(off, now);
                }
            }
            case NAK -> {
                if (p.length < 4) {
                    return;
                }
                t.counters.naks++;
                long off = t.answeredOffset(f, "NAK offset");
                if (p.length >= 5 && p[4] == UartDevice.NAK_RESTARTED && off < t.acked) {
                    restartAt(off);
                    t.restarts.restarted(off); // told as read: answers after it in this send may lift the offset again
                    return;
                }
                if (off > t.acked) {
                    acknowledged(off, now);
                }
                if (off < t.acked) {
                    throw t.wentBack(f, off);
                }
                if (off >= t.next) {
                    return; // nothing sent after it
                }
                if (off == goBackOffset && stale) {
                    return; // answers a frame written before the go-back to this offset
                }
                lostFirstInFlight(p.length < 5 || p[4] != UartDevice.NAK_CUT);
                goBack(off);
                boundOwed(p.length < 5 || p[4] == UartDevice.NAK_GAP);
            }
            default -> { }
        }
    }

    /**
     * The oldest frame in flight is the one lost: the device answers in order. Counted for the
     * frame size if {@code lineError} (not for a frame cut by a pause: NAK 4).
     */
    private void lostFirstInFlight(boolean lineError) {
        long[] first = inFlight.peekFirst();
        if (lineError) {
            t.sizer.lost(first != null ? (int) first[3] : t.sizer.payload());
        }
    }

    private void acknowledged(long offset, long now) {
        long[] covered = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= offset) {
            covered = inFlight.pollFirst();
            t.sizer.delivered((int) covered[3]);
        }
        if (covered != null && covered[0] == offset && covered[2] == 0) {
            t.rtt.sample((now - covered[1]) / 1e6); // Karn: only frames sent once
        }
        t.acked = offset;
        if (t.next < t.acked) {
            t.next = t.acked;
        }
        if (goBackOffset >= 0 && t.acked > goBackOffset) {
            goBackOffset = -1;
        }
        if (t.acked >= t.next) {
            owed = 0; // every frame written is applied: no answer is owed (one was lost on the line)
            staleAnswers = 0;
        }
    }

    private void goBack(long offset) {
        t.counters.goBacks++;
        t.next = offset;
        goBackOffset = offset;
        staleAnswers = owed; // the answers still owed are for frames written before this go-back
        lostAtGoBack = inFlight.peekFirst();
        inFlight.removeIf(e -> e[0] > offset);
    }

    /**
     * After a go-back on a NAK: no more answers are owed than frames were written after the one
     * that NAK answers, since the device answers in order. Counted from every frame written, the
     * owed count keeps a frame that drew no answer (its header broke, or its answer was lost on
     * the line) and would take the NAK to a frame written after the go-back for an old one. The
     * NAK answers the lost frame itself at the earliest (NAK 2 or 4: it broke), or one written
     * after it ({@code pastTheGap}: NAK 1, or a NAK without a reason).
     */
    private void boundOwed(boolean pastTheGap) {
        long[] lost = lostAtGoBack;
        if (lost == null) {
            return;
        }
        long writtenAfter = t.counters.dataFrames - 1 - lost[4] - (pastTheGap ? 1 : 0);
        owed = Math.min(owed, Math.max(0, writtenAfter));
        staleAnswers = owed;
    }
}
