// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.stm32.An3155;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>The data phase is {@link SelectiveRepeat} or {@link GoBackN} (on {@link DataPhase}), as on
 * the update page (web/src); what the phases share, the line included, is a {@link UartTransfer}.
 * The protocol's limits and waits stay here, where the page's tests read them.
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
    /** The least wait before a frame is sent again under selective repeat and at DONE (see UartTransfer.probeMs). */
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

    private final UartTransfer transfer;
    private final SelectiveRepeat selective;
    private final GoBackN goBackN;

    /** Whether this host offers selective repeat in its HELLO. */
    private final boolean offerSelectiveRepeat;
    private boolean everAnswered;
    /** The firmware version and hardware id the last INFO reported; -1 when it was too short to say. */
    private long installedVersion = -1;
    private long hardwareId = -1;
    /** Frames read in the waits of this HELLO (or BEGIN) phase, and the last: a give-up says what came instead. */
    private int handshakeAnswers;
    private Frame lastHandshakeAnswer;
    private long beginLatencyMs;

    /** The least silence at DONE that loses the link: {@link #MIN_DONE_PATIENCE_MS}, shorter only in tests. */
    private long minDonePatienceMs = MIN_DONE_PATIENCE_MS;
    /** The text of the last RESULT that said the update was applied. */
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
        this.transfer = new UartTransfer(link, baud, timeoutMs);
        this.offerSelectiveRepeat = selectiveRepeat;
        this.selective = new SelectiveRepeat(transfer);
        this.goBackN = new GoBackN(transfer);
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
        return transfer.counters.retransmittedBytes;
    }

    public Counters counters() {
        return transfer.counters;
    }

    /** Whether the last session used selective repeat (both sides offered it). */
    public boolean selectiveRepeat() {
        return transfer.holdBytes > 0;
    }

    @Override
    public boolean runs(long firmwareVersion, long hardwareId) {
        return installedVersion >= 0 && installedVersion == firmwareVersion && this.hardwareId == hardwareId;
    }

    @Override
    public long begin(long patchLength, byte[] header) throws IOException {
        long from = handshake(patchLength, header);
        transfer.startAt(from);
        goBackN.clear();
        selective.clear();
        return from;
    }

    @Override
    public long send(byte[] patch, long hostAcked) throws IOException {
        return dataPhase().send(patch);
    }

    @Override
    public long done(long patchLength) throws IOException {
        return done(patchLength, dataPhase());
    }

    /** Selective repeat when both sides offered it in this session's HELLO and INFO, else go-back-N. */
    private DataPhase dataPhase() {
        return selectiveRepeat() ? selective : goBackN;
    }

    @Override
    public String deviceMessage() {
        return message;
    }

    @Override
    public long dataFrames() {
        return transfer.counters.dataFrames;
    }

    @Override
    public String device() {
        return transfer.device();
    }

    @Override
    public void tellRestartsTo(HostSession.RestartListener listener) {
        transfer.restarts = listener;
    }

    /**
     * DONE for {@code patchLength}: the patch length when the device answered RESULT, or the
     * offset it expects the patch from again (then {@code data} goes back there).
     */
    private long done(long patchLength, DataPhase data) throws IOException {
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
        long wait = transfer.probeMs();
        long patience = Math.max(minDonePatienceMs, 3 * transfer.timeoutMs);
        long heard = System.currentTimeMillis();
        transfer.others.answered();
        int sent = 0;
        int broken = 0; // DONE frames answered with a NAK at the patch length: the give-up names them
        while (sent < MAX_DONE_ATTEMPTS) {
            transfer.write(FrameType.DONE, p);
            transfer.fill();
            sent++;
            long end = System.currentTimeMillis() + wait;
            while (System.currentTimeMillis() < end) {
                Frame f = transfer.in.poll(Math.max(1, end - System.currentTimeMillis()));
                if (f == null) {
                    break;
                }
                if (f.type() == FrameType.RESULT) {
                    if (DeviceAnswers.refusal(f)) {
                        throw DeviceAnswers.refused(f);
                    }
                    message = new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
                    return patchLength;
                }
                if (f.type() != FrameType.NAK) {
                    transfer.others.note(f);
                    continue;
                }
                heard = System.currentTimeMillis();
                transfer.others.answered();
                if (f.payload().length >= 4 && DeviceProtocolException.checked(transfer.device(),
                        "NAK offset (answering DONE)", LittleEndian.u32(f.payload(), 0), patchLength,
                        "the patch length") < patchLength) {
                    // Not all applied, or restarted: not told, HostSession counts it from the offset returned.
                    long from = LittleEndian.u32(f.payload(), 0);
                    data.restartAt(from);
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
        throw transfer.lost(broken == 0
                ? transfer.device() + " stopped answering DONE frames (" + sent + " sent in this done phase)" + transfer.others.sentInstead()
                : transfer.device() + " answered " + broken + " of " + sent + " DONE frames with a NAK at the patch length"
                        + " (DONE broken on the line) and none with RESULT");
    }

    /** HELLO, then BEGIN with {@code patchLength} and {@code header}: the offset READY sends the patch from. */
    private long handshake(long patchLength, byte[] header) throws IOException {
        transfer.in.clear();
        hello();
        byte[] p = new byte[4 + header.length];
        LittleEndian.put32(p, 0, patchLength);
        System.arraycopy(header, 0, p, 4, header.length);
        // A device answers nothing to a BEGIN whose header the line broke (a broken payload draws
        // NAK 2), so BEGIN is sent again after a short wait: what the last READY took (the device
        // checks the base image first), twice over.
        long wait = Math.min(MAX_BEGIN_WAIT_MS, Math.max(MIN_BEGIN_WAIT_MS, 2 * beginLatencyMs));
        long end = System.currentTimeMillis() + Math.max(MAX_BEGIN_WAIT_MS, transfer.timeoutMs) * 2;
        int nakResends = 0;
        handshakeAnswers = 0;
        for (int attempt = 0; attempt < MAX_BEGIN_ATTEMPTS && System.currentTimeMillis() < end; attempt++) {
            transfer.counters.begins++;
            long sent = System.nanoTime();
            transfer.write(FrameType.BEGIN, p);
            transfer.fill();
            Frame f = waitFor(FrameType.READY, wait, true);
            if (DeviceAnswers.brokenFrame(f) && nakResends++ < MAX_NAK_RESENDS) {
                attempt--; // the device said the BEGIN broke: again at once, the wait unchanged
                continue;
            }
            if (f != null && f.type() == FrameType.READY && f.payload().length >= 4) {
                beginLatencyMs = (System.nanoTime() - sent) / 1_000_000;
                return DeviceProtocolException.checked(transfer.device(), "READY offset", LittleEndian.u32(f.payload(), 0),
                        patchLength, "the patch length");
            }
            wait = Math.min(MAX_BEGIN_WAIT_MS, wait * 3 / 2);
        }
        throw handshakeAnswers == 0 ? transfer.lost() : transfer.lost(unanswered(FrameType.BEGIN, "a READY with its offset"));
    }

    private void hello() throws IOException {
        long each = transfer.timeoutMs / HELLO_ATTEMPTS;
        int nakResends = 0;
        handshakeAnswers = 0;
        for (int attempt = 0; attempt < HELLO_ATTEMPTS; attempt++) {
            transfer.counters.hellos++;
            long sent = System.nanoTime();
            transfer.write(FrameType.HELLO, offerSelectiveRepeat ? new byte[] {1, UartDevice.CAP_SELECTIVE_REPEAT} : new byte[] {1});
            if (attempt == 1 && !everAnswered) {
                // An STM32 ROM bootloader answers its sync byte; an fwdelta device skips it.
                transfer.link.write(new byte[] {(byte) An3155.SYNC}, 0, 1);
            }
            Frame info = waitFor(FrameType.INFO, each, false);
            if (DeviceAnswers.brokenFrame(info) && nakResends++ < MAX_NAK_RESENDS) {
                attempt--; // the device said the HELLO broke: again at once
                continue;
            }
            if (info != null && info.type() == FrameType.INFO) {
                transfer.holdBytes = offerSelectiveRepeat ? DeviceAnswers.heldByDevice(info.payload()) : 0;
                transfer.rtt.sample((System.nanoTime() - sent) / 1e6); // the first round trip, before any DATA
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
            throw transfer.lost(unanswered(FrameType.HELLO, "an INFO"));
        }
        if (everAnswered) {
            throw transfer.lost();
        }
        throw silentOrForeign();
    }

    /** What a device that answered {@code sent} frames, but never with {@code awaited}, sent instead. */
    private String unanswered(FrameType sent, String awaited) {
        return transfer.device() + " answered " + sent + " with " + handshakeAnswers + " frames, none " + awaited + " (the last a "
                + lastHandshakeAnswer.type() + " of " + lastHandshakeAnswer.payload().length + " bytes)";
    }

    /** Why a port that never sent INFO is not an fwdelta device, in the user's words. */
    private IOException silentOrForeign() {
        byte[] heard = transfer.in.firstBytes();
        String tried = HELLO_ATTEMPTS + " HELLO frames in "
                + String.format(Locale.ROOT, "%.1f", transfer.timeoutMs / 1000.0) + " s";
        if (heard.length == 0) {
            return new IOException("nothing answered on " + transfer.link.name() + " (" + tried + "): is the device powered, "
                    + "its update agent running, and the line at " + transfer.baud + " baud? (--timeout sets the wait)");
        }
        boolean an3155 = true;
        for (byte b : heard) {
            an3155 &= (b & 0xFF) == An3155.ACK || (b & 0xFF) == An3155.NACK;
        }
        if (an3155) {
            return new IOException("an STM32 ROM bootloader (AN3155) answers on " + transfer.link.name()
                    + ", not an fwdelta update agent: write a whole image with `fwdelta stm32 flash`");
        }
        return new IOException("the device on " + transfer.link.name() + " answers, but not the fwdelta protocol ("
                + transfer.in.bytesRead() + " bytes of other data after " + tried + ")");
    }

    /**
     * The next frame of {@code type} (or a NAK saying ours broke) within the wait; other frames
     * are skipped. A refusal (RESULT with an error) ends the session when {@code refusalsAreOurs};
     * before the device has answered this session's HELLO none can be: a device answers HELLO with
     * INFO only, and a RESULT then left on the line answers an earlier session's BEGIN (sent twice
     * when the device was slow to check it, the host that sent it gone at the first answer). That
     * one is skipped.
     */
    private Frame waitFor(FrameType type, long waitMs, boolean refusalsAreOurs) throws IOException {
        long end = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < end) {
            Frame f = transfer.in.poll(Math.max(1, end - System.currentTimeMillis()));
            if (f == null) {
                return null;
            }
            handshakeAnswers++;
            lastHandshakeAnswer = f;
            if (refusalsAreOurs && DeviceAnswers.refusal(f)) {
                throw DeviceAnswers.refused(f);
            }
            if (f.type() == type || DeviceAnswers.brokenFrame(f)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void close() {
        transfer.in.close();
    }
}
