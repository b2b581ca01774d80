// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The host's record of DATA frames in flight under selective repeat (docs/PROTOCOL.md): which the
 * device acknowledged or holds, and which are lost. A serial line keeps bytes in order and the
 * device answers frames in the order they arrive, so a frame is lost as soon as a frame written
 * after it has arrived (acknowledged or held) while it has not: no timer is needed for that. The
 * frames' fates feed the {@link FrameSizer}, and frames sent once give {@link RoundTrip} samples.
 */
final class Scoreboard {
    /** One DATA frame: its patch bytes [start, end), and what became of its last copy. */
    static final class Sent {
        final long start;
        final long end;
        /** Write order of the last copy: later copies have higher numbers. */
        long order;
        /**
         * Write order of the oldest copy that may still arrive: the last copy's, unless the frame
         * went again on a timeout, whose earlier copy may be on its way, its answer only late.
         */
        long oldestLive;
        /** Sent again (or to be) on a timeout: no answer said its last copy was lost. */
        boolean timedOut;
        long writtenNs;
        boolean again;
        boolean held;
        boolean lost;

        Sent(long start, long end) {
            this.start = start;
            this.end = end;
        }

        int size() {
            return (int) (end - start);
        }
    }

    private final FrameSizer sizer;
    private final RoundTrip rtt;
    /** Frames not yet acknowledged, ascending by start. */
    private final List<Sent> frames = new ArrayList<>();
    private long writes;
    /** The highest write order of a frame known to have arrived. */
    private long arrivedOrder = -1;

    Scoreboard(FrameSizer sizer, RoundTrip rtt) {
        this.sizer = sizer;
        this.rtt = rtt;
    }

    /** A new frame, [start, end), was written at {@code ns}. */
    Sent wrote(long start, long end, long ns) {
        Sent s = new Sent(start, end);
        s.order = writes++;
        s.oldestLive = s.order;
        s.writtenNs = ns;
        frames.add(s);
        return s;
    }

    /** A lost frame was written again at {@code ns}. */
    void wroteAgain(Sent s, long ns) {
        s.order = writes++;
        if (!s.timedOut) {
            s.oldestLive = s.order; // the earlier copies are known lost
        }
        s.writtenNs = ns;
        s.again = true;
        s.lost = false;
    }

    /** Patch bytes written whose fate is not known yet (neither arrived nor lost): what is on the line. */
    long unaccountedBytes() {
        long n = 0;
        for (Sent s : frames) {
            if (!s.held && !s.lost) {
                n += s.size();
            }
        }
        return n;
    }

    /** Nothing in flight (a new session, or the device restarted the update). */
    void clear() {
        frames.clear();
    }

    /**
     * The device's answer: every byte before {@code acked} arrived, and it holds the ranges
     * {@code held[2i]..held[2i+1]}. Marks what arrived and what is now known lost.
     */
    void answer(long acked, long[] held, long nowNs) {
        Sent newest = null;
        long arrived = -1; // the latest write order sure to have arrived
        for (Iterator<Sent> it = frames.iterator(); it.hasNext(); ) {
            Sent s = it.next();
            boolean done = s.end <= acked;
            boolean holds = !done && inside(s, held);
            if ((done || holds) && !s.held) {
                sizer.delivered(s.size());
                if (newest == null || s.order > newest.order) {
                    newest = s;
                }
                // Of a frame sent again on a timeout, any copy may be the one that arrived.
                arrived = Math.max(arrived, s.oldestLive);
            }
            if (done) {
                it.remove();
            } else if (holds) {
                s.held = true;
            }
        }
        if (newest == null) {
            return;
        }
        if (!newest.again) {
            rtt.sample((nowNs - newest.writtenNs) / 1e6); // Karn: only frames sent once
        }
        arrivedOrder = Math.max(arrivedOrder, arrived);
        for (Sent s : frames) {
            if (!s.held && !s.lost && s.order < arrivedOrder) {
                markLost(s);
            } else if (!s.held && s.timedOut && s.oldestLive < arrivedOrder) {
                s.oldestLive = s.order; // its copies before one written after it arrived are lost
                s.timedOut = false;
            }
        }
    }

    private static boolean inside(Sent s, long[] held) {
        for (int i = 0; i + 1 < held.length; i += 2) {
            if (held[i] <= s.start && s.end <= held[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private void markLost(Sent s) {
        s.lost = true;
        s.timedOut = false;
        s.oldestLive = s.order;
        sizer.lost(s.size());
    }

    /**
     * The device found a frame broken (NAK 2) or cut (NAK 4): the first one written after the last
     * that arrived, since the device reads frames in order. Marked lost, and counted as an error
     * of the line only if {@code lineError} (a cut frame may be the sender's own pause); false if
     * none is in flight.
     */
    boolean brokeNextAfterArrived(boolean lineError) {
        Sent first = nextAfterArrived();
        if (first == null) {
            return false;
        }
        if (lineError) {
            sizer.lost(first.size());
        }
        answeredCopyLost(first);
        return true;
    }

    /**
     * A SACK said the frame just received was not kept (start = end = 0: the hold ring was full):
     * that frame, the first written after the last that arrived, is sent again, but it arrived
     * whole and is no error of the line. Counted as one, a ring smaller than the window shrank the
     * frames, and smaller frames filled the ring's slots sooner. Its bytes crossed the line
     * unbroken, and count so: left out, the frames the line broke past a full ring (their NAK 2
     * counted) outweighed those it carried whole, and the frames shrank as the window outgrew
     * the ring (late answers on a busy machine).
     */
    void notKept() {
        Sent first = nextAfterArrived();
        if (first != null) {
            sizer.delivered(first.size());
            answeredCopyLost(first);
        }
    }

    /**
     * The copy of {@code s} that the device's answer is about did not arrive whole, or was not
     * kept. That is the first copy of a frame sent again on a timeout while it was still on its
     * way (its second copy may yet arrive: the frame is not lost), else the last one.
     */
    private void answeredCopyLost(Sent s) {
        if (!s.timedOut) {
            s.lost = true;
        }
        s.timedOut = false;
        s.oldestLive = s.order;
    }

    /**
     * The frame the device's next answer is about: the one with the first copy written after the
     * last known to have arrived, a copy that has drawn no answer yet.
     */
    private Sent nextAfterArrived() {
        Sent first = null;
        for (Sent s : frames) {
            long copy = nextCopy(s);
            if (copy >= 0 && (first == null || copy < nextCopy(first))) {
                first = s;
            }
        }
        return first;
    }

    /**
     * The write order of the first copy of {@code s} written after the last known to have arrived
     * and not answered yet: its first copy if it went again on a timeout, else its last; -1 if none.
     */
    private long nextCopy(Sent s) {
        if (s.held) {
            return -1;
        }
        if (s.timedOut && s.oldestLive > arrivedOrder) {
            return s.oldestLive;
        }
        return !s.lost && s.order > arrivedOrder ? s.order : -1;
    }

    /**
     * Nothing came back in time: the first frame not held is sent again. Not counted as an error
     * for the frame size: the answer may only be late (a busy machine), and a frame really lost
     * is usually found by the frames after it. Its earlier copy may still arrive, so an answer
     * that covers the frame says nothing of the frames written between the copies.
     */
    void timedOut() {
        for (Sent s : frames) {
            if (!s.held) {
                s.timedOut |= !s.lost;
                s.lost = true;
                return;
            }
        }
    }

    /**
     * The lost frame with the lowest offset, to send again first, cut to at most {@code maxSize}
     * bytes (the frame size has shrunk since it was written: the rest stays lost, a frame of its
     * own); null if none is lost. Not cut where the rest would be below
     * {@link FrameSizer#MIN_PAYLOAD}: such a piece costs more in framing and an answer than its
     * bytes risk in the longer frame.
     */
    Sent firstLost(int maxSize) {
        for (int i = 0; i < frames.size(); i++) {
            Sent s = frames.get(i);
            if (s.lost && !s.held) {
                if (s.size() - maxSize < FrameSizer.MIN_PAYLOAD) {
                    return s;
                }
                Sent head = new Sent(s.start, s.start + maxSize);
                Sent tail = new Sent(head.end, s.end);
                for (Sent part : new Sent[] {head, tail}) {
                    part.order = s.order;
                    part.oldestLive = s.oldestLive;
                    part.timedOut = s.timedOut;
                    part.writtenNs = s.writtenNs;
                    part.again = s.again;
                    part.lost = true;
                }
                frames.set(i, head);
                frames.add(i + 1, tail);
                return head;
            }
        }
        return null;
    }
}
