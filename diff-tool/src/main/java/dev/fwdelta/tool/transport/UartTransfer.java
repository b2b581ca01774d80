// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.IOException;

/**
 * What the phases of a {@link UartChannel} share: the line (frames written and read, the
 * {@link UartChannel#FILLER} byte), the device's position in the patch, the round trip and frame
 * size the line taught, the counters, and the words of a lost link. One per channel: the phases
 * read and move it in turn, all on the sending thread.
 */
final class UartTransfer {
    final Link link;
    final int baud;
    /** How long the device may stay silent. */
    final long timeoutMs;
    final FrameReader in;
    final FrameSizer sizer = new FrameSizer(Frame.MAX_DATA, UartChannel.DATA_FRAMING);
    final RoundTrip rtt = new RoundTrip();
    final UartChannel.Counters counters = new UartChannel.Counters();
    /** Frames that answered nothing awaited since the last answer to DATA (or DONE). */
    final OtherFrames others = new OtherFrames();
    HostSession.RestartListener restarts = checkpoint -> { };
    /** Bytes the device holds after a gap, when both sides do selective repeat; 0 for go-back-N. */
    int holdBytes;
    /** The offset of the next patch byte to send. */
    long next;
    /** The offset the device last acknowledged. */
    long acked;
    /** The end of the patch bytes ever written to this channel: a frame below it is sent again. */
    long sentUpTo;
    /**
     * The end of the patch bytes this session has written (from READY's offset on): no device can
     * acknowledge, expect or hold a byte past it.
     */
    long sentEnd;
    /**
     * The frame sizer as it was before the go-back-N timeouts since the last answer: if that
     * silence ends in a lost link it was no noise of the line, and the sizer goes back to it.
     */
    FrameSizer beforeSilence;
    long lastWriteNs;
    /**
     * When the last answer to DATA (an ACK, NAK or SACK with its offset) was read: the link is
     * lost after the answer timeout without one. Frames that answer no DATA frame (a stale INFO
     * or READY) do not put it off, else a device babbling them would keep the host probing until
     * its bound of data frames; they are counted in {@link #others} for the lost link's words.
     */
    long lastHeardNs;
    private int seq;
    /** Whether a {@link UartChannel#FILLER} byte followed the last frame written. */
    private boolean filled;

    UartTransfer(Link link, int baud, long timeoutMs) {
        this.link = link;
        this.baud = baud;
        this.timeoutMs = timeoutMs;
        this.in = new FrameReader(link);
    }

    /** READY said where the device wants the patch from: this session's data phase starts there. */
    void startAt(long from) {
        next = from;
        acked = from;
        sentEnd = from;
        beforeSilence = null;
        lastHeardNs = System.nanoTime();
        lastWriteNs = lastHeardNs;
        others.answered();
    }

    String device() {
        return "the device on " + link.name();
    }

    void write(FrameType type, byte[] payload) throws IOException {
        byte[] b = new Frame(type, seq++ & 0xFF, payload).encode();
        link.write(b, 0, b.length);
        filled = false;
    }

    /** One {@link UartChannel#FILLER} byte after the last frame, unless one was sent since that frame. */
    void fill() throws IOException {
        if (!filled) {
            link.write(new byte[] {UartChannel.FILLER}, 0, 1);
            counters.fillerBytes++;
            filled = true;
        }
    }

    /**
     * Under selective repeat, and at DONE, how long the host waits with nothing to send before it
     * sends again: two round trips (a late answer then costs one frame sent twice, not a window),
     * at least {@link UartChannel#MIN_PROBE_MS}. It catches a lost frame that no later frame
     * reveals: the last one before the window closed, whose header broke so the device said nothing.
     */
    long probeMs() {
        return Math.max(UartChannel.MIN_PROBE_MS, Math.round(2 * rtt.upperMs()));
    }

    /**
     * Patch bytes the host may have unacknowledged: what the line carries in a round trip (with
     * its jitter, so that a late answer does not leave the line idle) and one frame, two frames at
     * least.
     */
    long window() {
        int frame = sizer.payload();
        double onLine = rtt.upperMs() / 1000 * (baud / 10.0);
        return Math.min(UartChannel.MAX_WINDOW_BYTES, Math.max(2L * frame, (long) onLine + frame));
    }

    /**
     * The offset of an answer to DATA (ACK, NAK, SACK): no device expects or has a byte this
     * session has not sent.
     */
    long answeredOffset(Frame f, String field) throws DeviceProtocolException {
        return DeviceProtocolException.checked(device(), field, LittleEndian.u32(f.payload(), 0), sentEnd,
                "the patch bytes sent in this session");
    }

    /**
     * An answer below the acknowledged offset that is no restart (NAK 3): the device no longer
     * holds the transfer where it said (it was reset, and answers a broken frame with its
     * checkpoint; or the NAK 3 of a restart was lost on the line). Sending on from here would
     * draw no answers but those to broken frames, which keep the link from ever counting as
     * lost on a noisy line; the session begins again instead, and READY says where to go on.
     */
    HostSession.LinkLostException wentBack(Frame f, long off) {
        return lost(device() + " went back: " + f.type() + " offset " + off + " is below the acknowledged " + acked
                + " (it lost the transfer)");
    }

    HostSession.LinkLostException lost() {
        return lost(device() + " stopped answering");
    }

    /**
     * The link or the device's transfer is lost: the session begins again. The go-back-N
     * timeouts counted since the last answer were that, not errors of the line: the frame sizer
     * forgets them (else a reconnect would start at the least frames, each timeout of a dead
     * link counted as a frame the line broke).
     */
    HostSession.LinkLostException lost(String why) {
        if (beforeSilence != null) {
            sizer.restore(beforeSilence);
            beforeSilence = null;
        }
        return new HostSession.LinkLostException(why);
    }
}
