// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.transport.Frame;
import java.io.IOException;

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
 * <p>The phases are classes of their own, as on the update page (web/src): {@link Handshake}
 * (HELLO, BEGIN), {@link SelectiveRepeat} or {@link GoBackN} (DATA, on {@link DataPhase}),
 * {@link DonePhase}; what they share, the line included, is a {@link UartTransfer}. The protocol's
 * limits and waits stay here, where the page's tests read them.
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
    private final Handshake handshake;
    private final SelectiveRepeat selective;
    private final GoBackN goBackN;
    private final DonePhase donePhase;

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
        this.handshake = new Handshake(transfer, selectiveRepeat);
        this.selective = new SelectiveRepeat(transfer);
        this.goBackN = new GoBackN(transfer);
        this.donePhase = new DonePhase(transfer);
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
        donePhase.minPatience(ms);
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
        return handshake.runs(firmwareVersion, hardwareId);
    }

    @Override
    public long begin(long patchLength, byte[] header) throws IOException {
        long from = handshake.begin(patchLength, header);
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
        return donePhase.done(patchLength, dataPhase());
    }

    /** Selective repeat when both sides offered it in this session's HELLO and INFO, else go-back-N. */
    private DataPhase dataPhase() {
        return selectiveRepeat() ? selective : goBackN;
    }

    @Override
    public String deviceMessage() {
        return donePhase.message();
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

    @Override
    public void close() {
        transfer.in.close();
    }
}
