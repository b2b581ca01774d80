// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.function.Supplier;

/**
 * The UART framing (docs/PROTOCOL.md section 1) in front of the {@link TransferSession}: decodes
 * frames, turns BEGIN / DATA / DONE / ABORT into session calls and the replies into READY, ACK,
 * NAK and RESULT frames. RAM: the decoder's 1,035-byte frame buffer, a 75-byte reply buffer (as
 * fwd_uart.c's), and the session's; nothing is allocated per frame. INFO and RESULT, once per
 * transfer, are encoded in arrays of their own size (RESULT carries the whole error message).
 *
 * <p>Selective repeat (docs/PROTOCOL.md) is on for a host whose HELLO sets
 * {@link #CAP_SELECTIVE_REPEAT}, when this device has a hold ring: INFO then reports the
 * capability and the ring's size, the session keeps DATA after a gap, and a DATA frame after a
 * gap is answered with SACK (the next expected offset and the held range that now holds it)
 * instead of NAK 1. Any other host gets version 1's go-back-N answers, byte for byte.
 */
public final class UartDevice {
    /** Sends a frame back to the host: its bytes on the line, {@code b[off..off+len)}, valid during the call only. */
    @FunctionalInterface
    public interface Output {
        void send(byte[] b, int off, int len) throws IOException;
    }

    /** NAK reasons. */
    public static final int NAK_GAP = 1;
    public static final int NAK_CORRUPT = 2;
    public static final int NAK_RESTARTED = 3;
    /** A frame cut short: the line went quiet inside it (a byte lost, or a sender that paused). */
    public static final int NAK_CUT = 4;
    /** Capability bit of HELLO and INFO: the sender does selective repeat. */
    public static final int CAP_SELECTIVE_REPEAT = 0x01;
    /**
     * Hold ring of the Java device (`fwdelta device serve`) and the C one: 1 KiB held as much
     * goodput as 2 KiB at 0.05% and 0.5% of each fault (docs/bench/uart-goodput.md).
     */
    public static final int DEFAULT_HOLD_BYTES = 1024;
    /**
     * The most bytes of the layout name INFO carries: the first bytes of a longer name, as the C
     * device's INFO buffer holds them (fwd_uart.c), so that both devices describe a board alike.
     */
    public static final int MAX_LAYOUT_NAME = 32;
    /** Largest payload of the replies sent per frame (ACK, NAK, SACK, READY: 12 bytes), as fwd_uart.c's reply buffer. */
    private static final int REPLY_PAYLOAD = 64;
    private static final int SACK_LENGTH = 12;

    private final TransferSession session;
    private final DeviceInfo info;
    private final Output out;
    private final FrameDecoder decoder = new FrameDecoder(this::onFrame, this::onBrokenFrame);
    private final byte[] reply = new byte[Frame.OVERHEAD + REPLY_PAYLOAD];
    private final CRC32 replyCrc = new CRC32();
    private int seq;

    /** @param agents makes the update agent (again after a reboot), reading its state from flash */
    public UartDevice(Supplier<UpdateAgent> agents, DeviceInfo info, Output out) {
        this(agents, info, out, DEFAULT_HOLD_BYTES);
    }

    /**
     * @param agents makes the update agent (again after a reboot), reading its state from flash
     * @param holdBytes bytes after a gap it keeps for selective repeat; 0 for a go-back-N device (version 1's INFO)
     */
    public UartDevice(Supplier<UpdateAgent> agents, DeviceInfo info, Output out, int holdBytes) {
        this.session = new TransferSession(agents, holdBytes);
        this.info = info;
        this.out = out;
    }

    /** Bytes from the line. */
    public void receive(byte[] b, int off, int len) throws IOException {
        decoder.push(b, off, len);
    }

    /**
     * The line was quiet for the frame timeout (50 ms): a frame still incomplete was cut (a byte
     * lost on the line, or the sender paused inside it), and the host is told at once with NAK 4
     * instead of waiting for its retransmission timeout. A reason of its own, because a pause of
     * the sender is no error of the line (the host does not shrink its frames for it).
     */
    public void idle() throws IOException {
        decoder.idle();
    }

    /**
     * A broken frame is answered where it stands on the line, before the frames after it: the
     * hosts tell NAKs apart by counting answers (docs/PROTOCOL.md), so each broken frame gets its
     * own NAK in line order, whatever chunks the bytes came in (NAK 2; NAK 4 for a cut one).
     */
    private void onBrokenFrame(boolean cut) throws IOException {
        sendNak(session.resumeOffset(), cut ? NAK_CUT : NAK_CORRUPT);
    }

    /**
     * A reboot: the decoder and the session start over from what flash holds, and from nothing
     * else, as a reset C device does (fwd_uart_init): frames counted from 0 again, go-back-N until
     * a HELLO asks for selective repeat.
     */
    public void reboot() {
        decoder.reset();
        session.reboot();
        session.selectiveRepeat(false);
        seq = 0;
    }

    public FrameDecoder decoder() {
        return decoder;
    }

    public TransferSession session() {
        return session;
    }

    /** A good frame, its payload in place in the decoder's buffer. */
    private void onFrame(FrameType type, int frameSeq, byte[] b, int off, int len) throws IOException {
        switch (type) {
            case HELLO -> {
                session.selectiveRepeat(len >= 2 && (b[off + 1] & CAP_SELECTIVE_REPEAT) != 0);
                reply(FrameType.INFO, infoPayload());
            }
            case BEGIN -> answer(session.begin(Arrays.copyOfRange(b, off, off + len)));
            case DATA -> {
                if (len >= 4) {
                    long offset = LittleEndian.u32(b, off);
                    TransferSession.Reply r = session.data(offset, b, off + 4, len - 4);
                    HeldData held = session.held();
                    if (held != null && r.kind() == TransferSession.Kind.GAP) {
                        sendSack(r.offset(), held, held.rangeOf(offset));
                    } else {
                        answer(r);
                    }
                }
            }
            case DONE -> answer(session.done());
            case ABORT -> answer(session.abort()); // RESULT when refused (on trial), else nothing
            default -> { } // frames a device never receives are ignored
        }
    }

    private void answer(TransferSession.Reply r) throws IOException {
        switch (r.kind()) {
            case READY -> offsetReply(FrameType.READY, r.offset());
            case ACK, DUPLICATE -> offsetReply(FrameType.ACK, r.offset());
            case GAP -> sendNak(r.offset(), NAK_GAP);
            case RESTARTED -> sendNak(r.offset(), NAK_RESTARTED);
            case RESULT -> result(r.status(), r.message());
            case IGNORED -> { } // no transfer: the host times out and reconnects with BEGIN
        }
    }

    private byte[] infoPayload() {
        byte[] name = info.layout().getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] fixed = new byte[24];
        fixed[0] = 1;
        LittleEndian.put16(fixed, 1, Frame.MAX_PAYLOAD);
        LittleEndian.put32(fixed, 3, info.ramBudget());
        LittleEndian.put64(fixed, 7, info.installedVersion());
        LittleEndian.put32(fixed, 15, info.hardwareId());
        fixed[19] = (byte) session.agentState().ordinal();
        LittleEndian.put32(fixed, 20, session.resumeOffset());
        b.writeBytes(fixed);
        b.write(Math.min(name.length, MAX_LAYOUT_NAME));
        b.write(name, 0, Math.min(name.length, MAX_LAYOUT_NAME));
        if (session.holdCapacity() > 0) {
            b.write(CAP_SELECTIVE_REPEAT);
            b.write(session.holdCapacity() & 0xFF);
            b.write(session.holdCapacity() >> 8);
        }
        return b.toByteArray();
    }

    private void result(int status, String message) throws IOException {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        byte[] r = new byte[2 + Math.min(m.length, Frame.MAX_PAYLOAD - 2)];
        LittleEndian.put16(r, 0, status);
        System.arraycopy(m, 0, r, 2, r.length - 2);
        reply(FrameType.RESULT, r);
    }

    /** A reply too large for the reply buffer (INFO, RESULT: once per transfer) in an array of its own. */
    private void reply(FrameType type, byte[] payload) throws IOException {
        byte[] frame = new byte[Frame.OVERHEAD + payload.length];
        System.arraycopy(payload, 0, frame, Frame.HEADER, payload.length);
        out.send(frame, 0, Frame.seal(frame, type, seq++ & 0xFF, payload.length, replyCrc));
    }

    /** Sends the reply buffer's frame, its {@code length} payload bytes written at {@link Frame#HEADER}. */
    private void sendReply(FrameType type, int length) throws IOException {
        out.send(reply, 0, Frame.seal(reply, type, seq++ & 0xFF, length, replyCrc));
    }

    /** READY or ACK: u32 offset. */
    private void offsetReply(FrameType type, long offset) throws IOException {
        LittleEndian.put32(reply, Frame.HEADER, offset);
        sendReply(type, 4);
    }

    private void sendNak(long offset, int reason) throws IOException {
        nakPayload(reply, Frame.HEADER, offset, reason);
        sendReply(FrameType.NAK, 5);
    }

    private void sendSack(long expected, HeldData held, int range) throws IOException {
        sackPayload(reply, Frame.HEADER, expected, held, range);
        sendReply(FrameType.SACK, SACK_LENGTH);
    }

    /**
     * SACK: the next expected offset, then the held range that holds the frame just received
     * (u32 start, u32 end), or start = end = 0 when that frame was not kept.
     */
    static byte[] sack(long expected, HeldData held, int range) {
        byte[] r = new byte[SACK_LENGTH];
        sackPayload(r, 0, expected, held, range);
        return r;
    }

    private static void sackPayload(byte[] r, int at, long expected, HeldData held, int range) {
        LittleEndian.put32(r, at, expected);
        LittleEndian.put32(r, at + 4, range >= 0 ? held.start(range) : 0);
        LittleEndian.put32(r, at + 8, range >= 0 ? held.end(range) : 0);
    }

    /** NAK: u32 offset to send from, u8 reason. */
    private static void nakPayload(byte[] r, int at, long offset, int reason) {
        LittleEndian.put32(r, at, offset);
        r[at + 4] = (byte) reason;
    }
}
