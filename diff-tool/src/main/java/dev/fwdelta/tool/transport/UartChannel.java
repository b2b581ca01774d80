// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.stm32.An3155;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The UART framing (docs/PROTOCOL.md section 1) under the {@link HostSession}: HELLO and BEGIN,
 * then DATA frames, DONE. The wire is the protocol's version 1; what the host does with it adapts
 * to the line (docs/PROTOCOL.md "Sending on a noisy line"): answers are read between frames, so a
 * NAK sends the host back at once; the window is what the measured round trip needs (two frames
 * on a serial port) rather than eight, so a go-back wastes little; the frame size shrinks with
 * the errors seen and grows back ({@link FrameSizer}); the retransmission timeout follows the
 * measured round trip ({@link RoundTrip}). No answer at all for the answer timeout is a lost link
 * (the session begins again), or, when the port never answered, a one-line error saying so.
 *
 * <p>With a device that reports selective repeat in INFO (and unless this host was made without
 * it), the device keeps frames that follow a lost one and answers with SACK frames: the host then
 * sends again only the frames lost ({@link Scoreboard}), never more patch bytes past the
 * acknowledged offset than the device can hold. Any other device gets version 1's go-back-N.
 */
public final class UartChannel implements HostSession.Channel, AutoCloseable {
    /** Patch bytes in flight at most: eight full frames. */
    public static final int MAX_WINDOW_BYTES = 8 * Frame.MAX_DATA;
    public static final int MAX_RECONNECTS = 20;
    /** HELLO frames sent before a port counts as silent; they share the answer timeout. */
    public static final int HELLO_ATTEMPTS = 4;
    /** Default answer timeout (--timeout): how long a device may stay silent. */
    public static final long DEFAULT_TIMEOUT_MS = 2000;
    /** BEGIN is sent again after this long without READY at first, and after at most MAX. */
    static final long MIN_BEGIN_WAIT_MS = 300;
    static final long MAX_BEGIN_WAIT_MS = 5000;
    static final int MAX_BEGIN_ATTEMPTS = 100;
    /** DONE frames sent before the link counts as lost (a NAK for a broken DONE draws another at once). */
    static final int MAX_DONE_ATTEMPTS = 20;
    /**
     * The least silence at DONE that loses the link: a device verifies the whole staged image
     * before it answers, which takes far longer than an answer to DATA.
     */
    static final long MIN_DONE_PATIENCE_MS = 30_000;
    /** HELLO or BEGIN frames sent again at once because the device said they broke, at most, per handshake. */
    static final int MAX_NAK_RESENDS = 200;
    /** INFO's bytes up to the end of its hardware id: u8 version, u16 payload, u32 RAM, u64 firmware, u32 hardware. */
    static final int INFO_HARDWARE_END = 19;
    /** The least wait before a frame is sent again under selective repeat (see probeMs). */
    static final long MIN_PROBE_MS = 40;
    /**
     * Sent after the last frame before a wait for its answer (BEGIN, DONE, the last DATA): a
     * frame that lost a byte on the line is completed by it, fails its CRC and draws NAK 2 at
     * once, where the device would otherwise wait for 50 ms of quiet (NAK 4). Not SOF, so a
     * device skips it as it skips any byte between frames. Not after HELLO: an STM32 ROM
     * bootloader measures its baud rate on the first byte it gets.
     */
    static final byte FILLER = 0x00;
    /** Line bytes a DATA frame adds to its patch bytes: the framing and the u32 offset. */
    static final int DATA_FRAMING = Frame.OVERHEAD + 4;

    private final Link link;
    private final int baud;
    private final long timeoutMs;
    /** The least silence at DONE that loses the link: {@link #MIN_DONE_PATIENCE_MS}, shorter only in tests. */
    private long minDonePatienceMs = MIN_DONE_PATIENCE_MS;
    /** Whether this host offers selective repeat in its HELLO. */
    private final boolean offerSelectiveRepeat;
    /** Bytes the device holds after a gap, when both sides do selective repeat; 0 for go-back-N. */
    private int holdBytes;
    /** The firmware version and hardware id the last INFO reported; -1 when it was too short to say. */
    private long installedVersion = -1;
    private long hardwareId = -1;
    private final FrameReader in;
    private final FrameSizer sizer = new FrameSizer(Frame.MAX_DATA, DATA_FRAMING);
    private final RoundTrip rtt = new RoundTrip();
    private final Scoreboard board = new Scoreboard(sizer, rtt);
    /**
     * Frames written and not yet acknowledged: {end offset, write end in ns, 1 if a retransmission,
     * patch bytes, number of the DATA frame (counters.dataFrames before it was written)}.
     */
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    private int seq;
    private boolean everAnswered;
    private long next;
    private long acked;
    private long sentUpTo;
    /** The length BEGIN announced: no READY may be past it. */
    private long patchLength;
    /**
     * The end of the patch bytes this session has written (from READY's offset on): no device can
     * acknowledge, expect or hold a byte past it.
     */
    private long sentEnd;
    /**
     * The frame sizer as it was before the go-back-N timeouts since the last answer: if that
     * silence ends in a lost link it was no noise of the line, and the sizer goes back to it.
     */
    private FrameSizer beforeSilence;
    /** The offset of the last go-back under go-back-N (-1: none since the last answer that moved past it). */
    private long goBackOffset = -1;
    /**
     * Go-back-N: answers owed for the DATA frames written (the device answers each frame it reads,
     * in order), and how many of those answer frames written before the last go-back. Both are
     * kept on the sending thread: {@link FrameReader}'s thread only decodes frames, and every
     * answer is handled by {@link #handle} here, so no count is shared between threads.
     */
    private long owed;
    private long staleAnswers;
    /** The frame in flight at the acknowledged offset when the host last went back (null: none). */
    private long[] lostAtGoBack;
    private long lastWriteNs;
    /**
     * When the last answer to DATA (an ACK, NAK or SACK with its offset) was read: the link is
     * lost after the answer timeout without one. Frames that answer no DATA frame (a stale INFO
     * or READY) do not put it off, else a device babbling them would keep the host probing until
     * its bound of data frames; they are counted for the lost link's words, with their type
     * (null when of several types).
     */
    private long lastHeardNs;
    private int othersSinceAnswer;
    private FrameType otherType;
    /** Frames read in the waits of this HELLO (or BEGIN) phase, and the last: a give-up says what came instead. */
    private int handshakeAnswers;
    private Frame lastHandshakeAnswer;
    private long beginLatencyMs;
    /** Whether a {@link #FILLER} byte followed the last frame written. */
    private boolean filled;
    private final Counters counters = new Counters();
    private HostSession.RestartListener restarts = checkpoint -> { };
    private String message = "";

    /** What the link cost: frames and bytes sent, sent again, NAKs, timeouts, HELLOs. */
    public static final class Counters {
        long dataFrames;
        long retransmittedFrames;
        long retransmittedBytes;
        long naks;
        long sacks;
        long goBacks;
        long timeouts;
        int hellos;
        int begins;
        long fillerBytes;

        public long dataFrames() {
            return dataFrames;
        }

        public long retransmittedFrames() {
            return retransmittedFrames;
        }

        public long retransmittedBytes() {
            return retransmittedBytes;
        }

        public long naks() {
            return naks;
        }

        public long sacks() {
            return sacks;
        }

        public long goBacks() {
            return goBacks;
        }

        public long timeouts() {
            return timeouts;
        }

        public int hellos() {
            return hellos;
        }

        public int begins() {
            return begins;
        }

        /** {@link UartChannel#FILLER} bytes sent after the last frame before a wait. */
        public long fillerBytes() {
            return fillerBytes;
        }
    }

    /** @param timeoutMs how long the device may stay silent: the HELLOs share it, and silence that long in a transfer is a lost link */
    public UartChannel(Link link, int baud, long timeoutMs) {
        this(link, baud, timeoutMs, true);
    }

    /**
     * @param timeoutMs how long the device may stay silent
     * @param selectiveRepeat whether to offer selective repeat (false: a version-1 host, go-back-N only)
     */
    public UartChannel(Link link, int baud, long timeoutMs, boolean selectiveRepeat) {
        if (timeoutMs < HELLO_ATTEMPTS * 50L) {
            throw new IllegalArgumentException("timeout must be at least " + HELLO_ATTEMPTS * 50 + " ms, got " + timeoutMs);
        }
        this.link = link;
        this.baud = baud;
        this.timeoutMs = timeoutMs;
        this.offerSelectiveRepeat = selectiveRepeat;
        this.in = new FrameReader(link);
    }

    public UartChannel(Link link, int baud) {
        this(link, baud, DEFAULT_TIMEOUT_MS);
    }

    /** Sends {@code patch} over {@code link}: the whole transfer, reconnects included. */
    public static HostSession.Result send(Link link, int baud, byte[] patch, HostSession.Progress progress)
            throws IOException {
        try (UartChannel channel = new UartChannel(link, baud)) {
            return new HostSession(channel, progress, MAX_RECONNECTS).send(patch);
        }
    }

    /** Tests only: a shorter least silence at DONE, so that a give-up there takes little time. */
    UartChannel minDonePatience(long ms) {
        minDonePatienceMs = ms;
        return this;
    }

    /** Patch bytes sent more than once. */
    public long retransmittedBytes() {
        return counters.retransmittedBytes;
    }

    public Counters counters() {
        return counters;
    }

    /** Whether the last session used selective repeat (both sides offered it). */
    public boolean selectiveRepeat() {
        return holdBytes > 0;
    }

    @Override
    public boolean runs(long firmwareVersion, long hardwareId) {
        return installedVersion >= 0 && installedVersion == firmwareVersion && this.hardwareId == hardwareId;
    }

    @Override
    public long begin(long patchLength, byte[] header) throws IOException {
        this.patchLength = patchLength;
        in.clear();
        hello();
        byte[] p = new byte[4 + header.length];
        LittleEndian.put32(p, 0, patchLength);
        System.arraycopy(header, 0, p, 4, header.length);
        // A device answers nothing to a BEGIN whose header the line broke (a broken payload draws
        // NAK 2), so BEGIN is sent again after a short wait: what the last READY took (the device
        // checks the base image first), twice over.
        long wait = Math.min(MAX_BEGIN_WAIT_MS, Math.max(MIN_BEGIN_WAIT_MS, 2 * beginLatencyMs));
        long end = System.currentTimeMillis() + Math.max(MAX_BEGIN_WAIT_MS, timeoutMs) * 2;
        int nakResends = 0;
        handshakeAnswers = 0;
        for (int attempt = 0; attempt < MAX_BEGIN_ATTEMPTS && System.currentTimeMillis() < end; attempt++) {
            counters.begins++;
            long sent = System.nanoTime();
            write(FrameType.BEGIN, p);
            fill();
            Frame f = waitFor(FrameType.READY, wait);
            if (brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
                attempt--; // the device said the BEGIN broke: again at once, the wait unchanged
                continue;
            }
            if (f != null && f.type() == FrameType.READY && f.payload().length >= 4) {
                beginLatencyMs = (System.nanoTime() - sent) / 1_000_000;
                long from = DeviceProtocolException.checked(device(), "READY offset", LittleEndian.u32(f.payload(), 0),
                        patchLength, "the patch length");
                next = from;
                acked = from;
                sentEnd = from;
                beforeSilence = null;
                goBackOffset = -1;
                owed = 0;
                staleAnswers = 0;
                inFlight.clear();
                board.clear();
                lastHeardNs = System.nanoTime();
                lastWriteNs = lastHeardNs;
                othersSinceAnswer = 0;
                return from;
            }
            wait = Math.min(MAX_BEGIN_WAIT_MS, wait * 3 / 2);
        }
        throw handshakeAnswers == 0 ? lost() : lost(unanswered(FrameType.BEGIN, "a READY with its offset"));
    }

    @Override
    public long send(byte[] patch, long hostAcked) throws IOException {
        if (holdBytes > 0) {
            return sendSelective(patch);
        }
        drainAnswers();
        if (acked >= patch.length) {
            return acked;
        }
        if (next < patch.length && next - acked < window()) {
            sendData(patch);
            drainAnswers();
            return acked;
        }
        if (next >= patch.length) {
            fill(); // everything is on the line: complete a last frame that lost a byte
        }
        if (answered(rtt.timeoutMs())) {
            return acked;
        }
        // Nothing came back for the frames in flight (the last one was cut, or every answer
        // lost): send again from the acknowledged offset.
        counters.timeouts++;
        if (beforeSilence == null) {
            beforeSilence = sizer.snapshot();
        }
        lostFirstInFlight(true);
        goBack(acked);
        goBackOffset = -1;
        owed = 0; // the answers given up on: any that still comes is taken as new
        staleAnswers = 0;
        return acked;
    }

    /**
     * Selective repeat: a lost frame is sent again first; then new frames while the window (of
     * bytes not yet arrived) and the device's hold ring allow; otherwise the host waits for an
     * answer, and after the probe time sends the first frame not held again.
     */
    private long sendSelective(byte[] patch) throws IOException {
        drainAnswers();
        if (acked >= patch.length) {
            return acked;
        }
        Scoreboard.Sent lost = board.firstLost(sizer.payload());
        if (lost != null) {
            resend(patch, lost);
            drainAnswers();
            return acked;
        }
        int n = (int) Math.min(sizer.payload(), patch.length - next);
        // The window counts only the bytes still on the line (those held have arrived). The ring
        // bounds how far past the acknowledged offset the host goes, but never below the window:
        // a small ring must not leave a clean line idle (a frame past it is only not kept).
        long reach = Math.max(holdBytes, window());
        if (next < patch.length && board.unaccountedBytes() < window() && (next == acked || next + n - acked <= reach)) {
            sendData(patch);
            drainAnswers();
            return acked;
        }
        if (next >= patch.length) {
            fill(); // everything is on the line: complete a last frame that lost a byte
        }
        if (!answered(probeMs())) {
            counters.timeouts++;
            board.timedOut();
        }
        return acked;
    }

    /**
     * Waits until {@code afterWriteMs} after the last write for an answer, and handles it; false
     * if none came. Silence for the whole answer timeout is a lost link.
     */
    private boolean answered(long afterWriteMs) throws IOException {
        long wait = afterWriteMs - (System.nanoTime() - lastWriteNs) / 1_000_000;
        Frame f = wait > 0 ? in.poll(wait) : null;
        if (f != null) {
            handle(f);
            return true;
        }
        if ((System.nanoTime() - lastHeardNs) / 1_000_000 >= timeoutMs) {
            throw lost(othersSinceAnswer == 0 ? device() + " stopped answering"
                    : device() + " stopped answering DATA frames" + sentInstead());
        }
        return false;
    }

    /**
     * Under selective repeat, how long the host waits with nothing to send before it sends the
     * first frame not held again: two round trips (a late answer then costs one frame sent twice,
     * not a window), at least {@link #MIN_PROBE_MS}. It catches a lost frame that no later frame
     * reveals: the last one before the window closed, whose header broke so the device said nothing.
     */
    private long probeMs() {
        return Math.max(MIN_PROBE_MS, Math.round(2 * rtt.upperMs()));
    }

    private void resend(byte[] patch, Scoreboard.Sent s) throws IOException {
        byte[] p = new byte[4 + s.size()];
        LittleEndian.put32(p, 0, s.start);
        System.arraycopy(patch, (int) s.start, p, 4, s.size());
        write(FrameType.DATA, p);
        counters.dataFrames++;
        counters.retransmittedFrames++;
        counters.retransmittedBytes += s.size();
        lastWriteNs = System.nanoTime();
        board.wroteAgain(s, lastWriteNs);
    }

    /** SACK, ACK or NAK under selective repeat: the scoreboard learns what arrived and what is lost. */
    private void handleSelective(Frame f, long now) throws IOException {
        byte[] p = f.payload();
        if (f.type() == FrameType.RESULT) {
            throw refused(f);
        }
        if (p.length < 4 || (f.type() != FrameType.ACK && f.type() != FrameType.NAK && f.type() != FrameType.SACK)) {
            return; // INFO or READY of an earlier attempt
        }
        long off = answeredOffset(f, f.type() + " offset");
        if (f.type() == FrameType.NAK) {
            counters.naks++;
            if (p.length >= 5 && p[4] == UartDevice.NAK_RESTARTED && off < acked) {
                restartAt(off);
                restarts.restarted(off); // told as read: answers after it in this send may lift the offset again
                return;
            }
        }
        if (off < acked) {
            throw wentBack(f, off);
        }
        if (f.type() == FrameType.NAK && p.length >= 5 && (p[4] == UartDevice.NAK_CORRUPT || p[4] == UartDevice.NAK_CUT)) {
            board.brokeNextAfterArrived(p[4] == UartDevice.NAK_CORRUPT);
        }
        long[] held = new long[0];
        if (f.type() == FrameType.SACK) {
            counters.sacks++;
            held = heldRange(p, off);
            if (p.length >= 12 && held.length == 0) {
                board.notKept();
            }
        }
        board.answer(off, held, now);
        acked = off;
        if (next < acked) {
            next = acked;
        }
    }

    @Override
    public long dataFrames() {
        return counters.dataFrames;
    }

    @Override
    public String device() {
        return "the device on " + link.name();
    }

    @Override
    public void tellRestartsTo(HostSession.RestartListener listener) {
        restarts = listener;
    }

    /**
     * The offset of an answer to DATA (ACK, NAK, SACK): no device expects or has a byte this
     * session has not sent.
     */
    private long answeredOffset(Frame f, String field) throws DeviceProtocolException {
        return DeviceProtocolException.checked(device(), field, LittleEndian.u32(f.payload(), 0), sentEnd,
                "the patch bytes sent in this session");
    }

    /**
     * The range a SACK says holds the frame just received, {start, end}; none when both are 0 (not
     * kept). A device holds only bytes after the offset it expects, and only bytes this session sent.
     */
    private long[] heldRange(byte[] p, long expected) throws DeviceProtocolException {
        if (p.length < 12 || (LittleEndian.u32(p, 4) == 0 && LittleEndian.u32(p, 8) == 0)) {
            return new long[0];
        }
        long end = DeviceProtocolException.checked(device(), "SACK held range end", LittleEndian.u32(p, 8), sentEnd,
                "the patch bytes sent in this session");
        // And past the SACK's offset: the starts allowed are then never an empty range ("100..79").
        if (end <= expected) {
            throw new DeviceProtocolException(device() + " answered SACK held range end " + end + (expected < sentEnd
                    ? ", outside the allowed " + (expected + 1) + ".." + sentEnd
                    + " (after the SACK offset, within the patch bytes sent in this session)"
                    : ", but no patch byte after the SACK offset " + expected + " was sent in this session"));
        }
        long start = LittleEndian.u32(p, 4);
        if (start < expected || start >= end) {
            throw new DeviceProtocolException(device() + " answered SACK held range start " + start
                    + ", outside the allowed " + expected + ".." + (end - 1) + " (after the SACK offset, before the range end)");
        }
        return new long[] {start, end};
    }

    /**
     * An answer below the acknowledged offset that is no restart (NAK 3): the device no longer
     * holds the transfer where it said (it was reset, and answers a broken frame with its
     * checkpoint; or the NAK 3 of a restart was lost on the line). Sending on from here would
     * draw no answers but those to broken frames, which keep the link from ever counting as
     * lost on a noisy line; the session begins again instead, and READY says where to go on.
     */
    private HostSession.LinkLostException wentBack(Frame f, long off) {
        return lost(device() + " went back: " + f.type() + " offset " + off + " is below the acknowledged " + acked
                + " (it lost the transfer)");
    }

    /**
     * The device expects the patch from {@code offset} again (restart, or DONE too early). Under
     * go-back-N this is a go-back as any other: the frames written before it draw NAKs at the
     * offset, which are old news.
     */
    private void restartAt(long offset) {
        acked = offset;
        goBack(offset);
        board.clear();
    }

    private void drainAnswers() throws IOException {
        for (Frame f = in.poll(0); f != null; f = in.poll(0)) {
            handle(f);
        }
    }

    /** A frame that answers nothing awaited: counted, with its type, for the lost link's words. */
    private void noteOther(Frame f) {
        otherType = othersSinceAnswer++ == 0 || otherType == f.type() ? f.type() : null;
    }

    /** ", sending 12 INFO frames instead": what came since the last awaited answer, or nothing if none did. */
    private String sentInstead() {
        if (othersSinceAnswer == 0) {
            return "";
        }
        return ", sending " + othersSinceAnswer + " " + (otherType != null ? otherType + " frames" : "frames of other types")
                + " instead";
    }

    /**
     * Patch bytes the host may have unacknowledged: what the line carries in a round trip (with
     * its jitter, so that a late answer does not leave the line idle) and one frame, two frames at
     * least.
     */
    private long window() {
        int frame = sizer.payload();
        double onLine = rtt.upperMs() / 1000 * (baud / 10.0);
        return Math.min(MAX_WINDOW_BYTES, Math.max(2L * frame, (long) onLine + frame));
    }

    private void handle(Frame f) throws IOException {
        long now = System.nanoTime();
        if (holdBytes > 0) {
            handleSelective(f, now);
        } else {
            handleGoBackN(f, now);
        }
        if (answersData(f)) {
            lastHeardNs = now;
            othersSinceAnswer = 0;
            beforeSilence = null; // the device answers where it should: the timeouts before were the line's
        } else {
            noteOther(f);
        }
    }

    /** Whether {@code f} answers a DATA frame: an ACK or NAK (or, under selective repeat, SACK) with its offset. */
    private boolean answersData(Frame f) {
        return f.payload().length >= 4 && (f.type() == FrameType.ACK || f.type() == FrameType.NAK
                || f.type() == FrameType.SACK && holdBytes > 0);
    }

    /**
     * ACK or NAK under go-back-N: the acknowledged offset moves on, or the host goes back, once per
     * gap. Every frame written after a lost one draws a NAK for the same offset; the device answers
     * in order, so the answers still owed when the host went back answer frames written before:
     * a NAK at that offset among them is old news, and the first one after them says a frame
     * sent again was lost too (counted, not timed: answers that come back quickly are no reason
     * to wait for a timeout).
     */
    private void handleGoBackN(Frame f, long now) throws IOException {
        if (f.type() == FrameType.RESULT) {
            throw refused(f);
        }
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
                long off = p.length >= 4 ? answeredOffset(f, "ACK offset") : -1;
                if (off >= 0 && off < acked) {
                    throw wentBack(f, off);
                }
                if (off > acked) {
                    acknowledged(off, now);
                }
            }
            case NAK -> {
                if (p.length < 4) {
                    return;
                }
                counters.naks++;
                long off = answeredOffset(f, "NAK offset");
                if (p.length >= 5 && p[4] == UartDevice.NAK_RESTARTED && off < acked) {
                    restartAt(off);
                    restarts.restarted(off); // told as read: answers after it in this send may lift the offset again
                    return;
                }
                if (off > acked) {
                    acknowledged(off, now);
                }
                if (off < acked) {
                    throw wentBack(f, off);
                }
                if (off >= next) {
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
            sizer.lost(first != null ? (int) first[3] : sizer.payload());
        }
    }

    private void acknowledged(long offset, long now) {
        long[] covered = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= offset) {
            covered = inFlight.pollFirst();
            sizer.delivered((int) covered[3]);
        }
        if (covered != null && covered[0] == offset && covered[2] == 0) {
            rtt.sample((now - covered[1]) / 1e6); // Karn: only frames sent once
        }
        acked = offset;
        if (next < acked) {
            next = acked;
        }
        if (goBackOffset >= 0 && acked > goBackOffset) {
            goBackOffset = -1;
        }
        if (acked >= next) {
            owed = 0; // every frame written is applied: no answer is owed (one was lost on the line)
            staleAnswers = 0;
        }
    }

    private void goBack(long offset) {
        counters.goBacks++;
        next = offset;
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
        long writtenAfter = counters.dataFrames - 1 - lost[4] - (pastTheGap ? 1 : 0);
        owed = Math.min(owed, Math.max(0, writtenAfter));
        staleAnswers = owed;
    }

    @Override
    public long done(long patchLength) throws IOException {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, patchLength);
        // A DONE whose header the line broke draws no answer at all, so DONE is sent again after
        // two round trips, then 1.5 times longer each time. The device verifies the whole staged
        // image before it answers; one still verifying reads the later DONEs afterwards and
        // answers each with the same RESULT, so an early DONE costs its 15 bytes, not the update.
        // The link is lost after the least silence at DONE, or after the attempt bound. Only an
        // answer to DONE (RESULT, or a NAK of it) ends the silence: frames of other types (a stale
        // ACK, INFO) are counted for the words but put nothing off, else a device babbling them
        // would keep the host sending DONE until its attempt bound.
        long wait = probeMs();
        long patience = Math.max(minDonePatienceMs, 3 * timeoutMs);
        long heard = System.currentTimeMillis();
        othersSinceAnswer = 0;
        int sent = 0;
        int broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
        while (sent < MAX_DONE_ATTEMPTS) {
            write(FrameType.DONE, p);
            fill();
            sent++;
            long end = System.currentTimeMillis() + wait;
            while (System.currentTimeMillis() < end) {
                Frame f = in.poll(Math.max(1, end - System.currentTimeMillis()));
                if (f == null) {
                    break;
                }
                if (f.type() == FrameType.RESULT) {
                    if (f.payload().length < 2 || LittleEndian.u16(f.payload(), 0) != 0) {
                        throw refused(f);
                    }
                    message = new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
                    return patchLength;
                }
                if (f.type() != FrameType.NAK) {
                    noteOther(f);
                    continue;
                }
                heard = System.currentTimeMillis();
                othersSinceAnswer = 0;
                if (f.payload().length >= 4 && DeviceProtocolException.checked(device(),
                        "NAK offset (answering DONE)", LittleEndian.u32(f.payload(), 0), patchLength,
                        "the patch length") < patchLength) {
                    // Not all applied, or restarted: not told, HostSession counts it from the offset returned.
                    long from = LittleEndian.u32(f.payload(), 0);
                    restartAt(from);
                    return from;
                }
                broken++;
                break; // the line broke DONE itself: send it again
            }
            if (System.currentTimeMillis() - heard >= patience) {
                break;
            }
            wait = Math.min(MAX_BEGIN_WAIT_MS, wait * 3 / 2);
        }
        throw lost(broken == 0
                ? device() + " stopped answering DONE frames (" + sent + " sent in this done phase)" + sentInstead()
                : device() + " answered " + broken + " of " + sent + " DONE frames with a NAK at the patch length"
                        + " (DONE broken on the line) and none with RESULT");
    }

    @Override
    public String deviceMessage() {
        return message;
    }

    private HostSession.LinkLostException lost() {
        return lost(device() + " stopped answering");
    }

    /**
     * The link or the device's transfer is lost: the session begins again. The go-back-N
     * timeouts counted since the last answer were that, not errors of the line: the frame sizer
     * forgets them (else a reconnect would start at the least frames, each timeout of a dead
     * link counted as a frame the line broke).
     */
    private HostSession.LinkLostException lost(String why) {
        if (beforeSilence != null) {
            sizer.restore(beforeSilence);
            beforeSilence = null;
        }
        return new HostSession.LinkLostException(why);
    }

    private void hello() throws IOException {
        long each = timeoutMs / HELLO_ATTEMPTS;
        int nakResends = 0;
        handshakeAnswers = 0;
        for (int attempt = 0; attempt < HELLO_ATTEMPTS; attempt++) {
            counters.hellos++;
            long sent = System.nanoTime();
            write(FrameType.HELLO, offerSelectiveRepeat ? new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT} : new byte[] {1});
            if (attempt == 1 && !everAnswered) {
                // An STM32 ROM bootloader answers its sync byte; an fwdelta device skips it.
                link.write(new byte[] {(byte) An3155.SYNC}, 0, 1);
            }
            Frame info = waitFor(FrameType.INFO, each, false);
            if (brokenFrame(info) && nakResends++ < MAX_NAK_RESENDS) {
                attempt--; // the device said the HELLO broke: again at once
                continue;
            }
            if (info != null && info.type() == FrameType.INFO) {
                holdBytes = offerSelectiveRepeat ? heldByDevice(info.payload()) : 0;
                rtt.sample((System.nanoTime() - sent) / 1e6); // the first round trip, before any DATA
                everAnswered = true;
                installedVersion = info.payload().length >= INFO_HARDWARE_END ? LittleEndian.u64(info.payload(), 7) : -1;
                hardwareId = info.payload().length >= INFO_HARDWARE_END ? LittleEndian.u32(info.payload(), 15) : -1;
                return;
            }
        }
        if (handshakeAnswers > 0) {
            // Frames of this protocol came, none of them INFO: an fwdelta device, its answers stale
            // (a board left mid-session by an earlier run), so the link is lost and begun again,
            // at first contact too: a fresh HELLO gets its INFO once the stale frames are read.
            // The give-up says what came, not "not the protocol".
            throw lost(unanswered(FrameType.HELLO, "an INFO"));
        }
        if (everAnswered) {
            throw lost();
        }
        throw silentOrForeign();
    }

    /** What a device that answered {@code sent} frames, but never with {@code awaited}, sent instead. */
    private String unanswered(FrameType sent, String awaited) {
        return device() + " answered " + sent + " with " + handshakeAnswers + " frames, none " + awaited + " (the last a "
                + lastHandshakeAnswer.type() + " of " + lastHandshakeAnswer.payload().length + " bytes)";
    }

    /**
     * The hold ring an INFO reports with the selective-repeat capability (after the layout name:
     * u8 capabilities, u16 hold bytes), or 0 for a device without it (version 1's INFO ends at the
     * name). A ring smaller than the least frame cannot hold one, so it counts as none.
     */
    static int heldByDevice(byte[] info) {
        if (info.length < 25) {
            return 0;
        }
        int at = 25 + (info[24] & 0xFF);
        if (info.length < at + 3 || (info[at] & UartDevice.CAP_SELECTIVE_REPEAT) == 0) {
            return 0;
        }
        int hold = LittleEndian.u16(info, at + 1);
        return hold >= FrameSizer.MIN_PAYLOAD ? hold : 0;
    }

    /** Why a port that never sent INFO is not an fwdelta device, in the user's words. */
    private IOException silentOrForeign() {
        byte[] heard = in.firstBytes();
        String tried = HELLO_ATTEMPTS + " HELLO frames in " + String.format(Locale.ROOT, "%.1f", timeoutMs / 1000.0) + " s";
        if (heard.length == 0) {
            return new IOException("nothing answered on " + link.name() + " (" + tried + "): is the device powered, "
                    + "its update agent running, and the line at " + baud + " baud? (--timeout sets the wait)");
        }
        boolean an3155 = true;
        for (byte b : heard) {
            an3155 &= (b & 0xFF) == An3155.ACK || (b & 0xFF) == An3155.NACK;
        }
        if (an3155) {
            return new IOException("an STM32 ROM bootloader (AN3155) answers on " + link.name()
                    + ", not an fwdelta update agent: write a whole image with `fwdelta stm32 flash`");
        }
        return new IOException("the device on " + link.name() + " answers, but not the fwdelta protocol ("
                + in.bytesRead() + " bytes of other data after " + tried + ")");
    }

    /**
     * Whether {@code f} is a NAK 2 or 4: the device got a broken or cut frame (a device of this
     * version says so outside a transfer too).
     */
    private static boolean brokenFrame(Frame f) {
        return f != null && f.type() == FrameType.NAK && f.payload().length >= 5
                && (f.payload()[4] == UartDevice.NAK_CORRUPT || f.payload()[4] == UartDevice.NAK_CUT);
    }

    /**
     * Waits for a frame of {@code type}, or a NAK 2 (the device got a broken frame, so the caller
     * sends again at once); a RESULT with an error is thrown; other frames are skipped.
     */
    private Frame waitFor(FrameType type, long waitMs) throws IOException {
        return waitFor(type, waitMs, true);
    }

    /**
     * The next frame of {@code type} (or a NAK saying ours broke) within the wait. A refusal
     * (RESULT with an error) ends the session when {@code refusalsAreOurs}; before the device has
     * answered this session's HELLO none can be: a device answers HELLO with INFO only, and a
     * RESULT then left on the line answers an earlier session's BEGIN (sent twice when the device
     * was slow to check it, the host that sent it gone at the first answer). That one is skipped.
     */
    private Frame waitFor(FrameType type, long waitMs, boolean refusalsAreOurs) throws IOException {
        long end = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < end) {
            Frame f = in.poll(Math.max(1, end - System.currentTimeMillis()));
            if (f == null) {
                return null;
            }
            handshakeAnswers++;
            lastHandshakeAnswer = f;
            if (refusalsAreOurs && f.type() == FrameType.RESULT
                    && (f.payload().length < 2 || LittleEndian.u16(f.payload(), 0) != 0)) {
                throw refused(f);
            }
            if (f.type() == type || brokenFrame(f)) {
                return f;
            }
        }
        return null;
    }

    private static DeviceRefusedException refused(Frame f) {
        byte[] p = f.payload();
        int status = p.length >= 2 ? LittleEndian.u16(p, 0) : 0xFFFF;
        String message = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
        return new DeviceRefusedException(status, message);
    }

    private void sendData(byte[] patch) throws IOException {
        int n = (int) Math.min(sizer.payload(), patch.length - next);
        boolean again = next < sentUpTo;
        if (again) {
            counters.retransmittedBytes += n;
            counters.retransmittedFrames++;
        }
        byte[] p = new byte[4 + n];
        LittleEndian.put32(p, 0, next);
        System.arraycopy(patch, (int) next, p, 4, n);
        write(FrameType.DATA, p);
        counters.dataFrames++;
        long now = System.nanoTime();
        lastWriteNs = now;
        if (holdBytes > 0) {
            board.wrote(next, next + n, now);
        } else {
            inFlight.addLast(new long[] {next + n, now, again ? 1 : 0, n, counters.dataFrames - 1});
            owed++;
        }
        next += n;
        sentUpTo = Math.max(sentUpTo, next);
        sentEnd = Math.max(sentEnd, next);
    }

    private void write(FrameType type, byte[] payload) throws IOException {
        byte[] b = new Frame(type, seq++ & 0xFF, payload).encode();
        link.write(b, 0, b.length);
        filled = false;
    }

    /** One {@link #FILLER} byte after the last frame, unless one was sent since that frame. */
    private void fill() throws IOException {
        if (!filled) {
            link.write(new byte[] {FILLER}, 0, 1);
            counters.fillerBytes++;
            filled = true;
        }
    }

    @Override
    public void close() {
        in.close();
    }
}
