// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.IOException;

/**
 * The data phase with a device that does selective repeat (docs/PROTOCOL.md, "Selective repeat"):
 * the device keeps frames that follow a lost one and answers with SACK frames, so the host sends
 * again only the frames lost ({@link Scoreboard}), never more patch bytes past the acknowledged
 * offset than the device can hold.
 */
final class SelectiveRepeat extends DataPhase {
    private final Scoreboard board;

    SelectiveRepeat(UartTransfer t) {
        super(t);
        board = new Scoreboard(t.sizer, t.rtt);
    }

    /**
     * A lost frame is sent again first; then new frames while the window (of bytes not yet
     * arrived) and the device's hold ring allow; otherwise the host waits for an answer, and after
     * the probe time sends the first frame not held again.
     */
    @Override
    long send(byte[] patch) throws IOException {
        drainAnswers();
        if (t.acked >= patch.length) {
            return t.acked;
        }
        Scoreboard.Sent lost = board.firstLost(t.sizer.payload());
        if (lost != null) {
            resend(patch, lost);
            drainAnswers();
            return t.acked;
        }
        int n = (int) Math.min(t.sizer.payload(), patch.length - t.next);
        // The window counts only the bytes still on the line (those held have arrived). The ring
        // bounds how far past the acknowledged offset the host goes, but never below the window:
        // a small ring must not leave a clean line idle (a frame past it is only not kept).
        long reach = Math.max(t.holdBytes, t.window());
        if (t.next < patch.length && board.unaccountedBytes() < t.window()
                && (t.next == t.acked || t.next + n - t.acked <= reach)) {
            sendData(patch);
            drainAnswers();
            return t.acked;
        }
        if (t.next >= patch.length) {
            t.fill(); // everything is on the line: complete a last frame that lost a byte
        }
        if (!answered(t.probeMs())) {
            t.counters.timeouts++;
            board.timedOut();
        }
        return t.acked;
    }

    private void resend(byte[] patch, Scoreboard.Sent s) throws IOException {
        byte[] p = new byte[4 + s.size()];
        LittleEndian.put32(p, 0, s.start);
        System.arraycopy(patch, (int) s.start, p, 4, s.size());
        t.write(FrameType.DATA, p);
        t.counters.dataFrames++;
        t.counters.retransmittedFrames++;
        t.counters.retransmittedBytes += s.size();
        t.lastWriteNs = System.nanoTime();
        board.wroteAgain(s, t.lastWriteNs);
    }

    @Override
    void wrote(long start, int n, long now, boolean again) {
        board.wrote(start, start + n, now);
    }

    @Override
    void clear() {
        board.clear();
    }

    /** The device expects the patch from {@code offset} again: nothing it held before counts. */
    @Override
    void restartAt(long offset) {
        t.acked = offset;
        t.counters.goBacks++;
        t.next = offset;
        board.clear();
    }

    @Override
    boolean answersData(Frame f) {
        return f.payload().length >= 4
                && (f.type() == FrameType.ACK || f.type() == FrameType.NAK || f.type() == FrameType.SACK);
    }

    /** SACK, ACK or NAK: the scoreboard learns what arrived and what is lost. */
    @Override
    void answer(Frame f, long now) throws IOException {
        byte[] p = f.payload();
        refuseOnResult(f);
        if (p.length < 4 || (f.type() != FrameType.ACK && f.type() != FrameType.NAK && f.type() != FrameType.SACK)) {
            return; // INFO or READY of an earlier attempt
        }
        long off = t.answeredOffset(f, f.type() + " offset");
        if (f.type() == FrameType.NAK) {
            t.counters.naks++;
            if (p.length >= 5 && p[4] == UartDevice.NAK_RESTARTED && off < t.acked) {
                restartAt(off);
                t.restarts.restarted(off); // told as read: answers after it in this send may lift the offset again
                return;
            }
        }
        if (off < t.acked) {
            throw t.wentBack(f, off);
        }
        if (f.type() == FrameType.NAK && p.length >= 5 && (p[4] == UartDevice.NAK_CORRUPT || p[4] == UartDevice.NAK_CUT)) {
            board.brokeNextAfterArrived(p[4] == UartDevice.NAK_CORRUPT);
        }
        long[] held = new long[0];
        if (f.type() == FrameType.SACK) {
            t.counters.sacks++;
            held = heldRange(p, off);
            if (p.length >= 12 && held.length == 0) {
                board.notKept();
            }
        }
        board.answer(off, held, now);
        t.acked = off;
        if (t.next < t.acked) {
            t.next = t.acked;
        }
    }

    /**
     * The range a SACK says holds the frame just received, {start, end}; none when both are 0 (not
     * kept). A device holds only bytes after the offset it expects, and only bytes this session sent.
     */
    private long[] heldRange(byte[] p, long expected) throws DeviceProtocolException {
        if (p.length < 12 || (LittleEndian.u32(p, 4) == 0 && LittleEndian.u32(p, 8) == 0)) {
            return new long[0];
        }
        long end = DeviceProtocolException.checked(t.device(), "SACK held range end", LittleEndian.u32(p, 8), t.sentEnd,
                "the patch bytes sent in this session");
        // And past the SACK's offset: the starts allowed are then never an empty range ("100..79").
        if (end <= expected) {
            throw new DeviceProtocolException(t.device() + " answered SACK held range end " + end + (expected < t.sentEnd
                    ? ", outside the allowed " + (expected + 1) + ".." + t.sentEnd
                    + " (after the SACK offset, within the patch bytes sent in this session)"
                    : ", but no patch byte after the SACK offset " + expected + " was sent in this session"));
        }
        long start = LittleEndian.u32(p, 4);
        if (start < expected || start >= end) {
            throw new DeviceProtocolException(t.device() + " answered SACK held range start " + start
                    + ", outside the allowed " + expected + ".." + (end - 1) + " (after the SACK offset, before the range end)");
        }
        return new long[] {start, end};
    }
}
