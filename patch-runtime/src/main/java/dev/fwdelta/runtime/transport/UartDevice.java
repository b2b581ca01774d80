// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The UART framing (docs/PROTOCOL.md section 1) in front of the {@link TransferSession}: decodes
 * frames, turns BEGIN / DATA / DONE / ABORT into session calls and the replies into READY, ACK,
 * NAK and RESULT frames. RAM: the decoder's frame buffer and the session's.
 *
 * <p>Selective repeat (docs/PROTOCOL.md) is on for a host whose HELLO sets
 * {@link #CAP_SELECTIVE_REPEAT}, when this device has a hold ring: INFO then reports the
 * capability and the ring's size, the session keeps DATA after a gap, and a DATA frame after a
 * gap is answered with SACK (the next expected offset and the held range that now holds it)
 * instead of NAK 1. Any other host gets version 1's go-back-N answers, byte for byte.
 */
public final class UartDevice {
    /** Sends a frame back to the host. */
    @FunctionalInterface
    public interface Output {
        void send(Frame f) throws IOException;
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

    private final TransferSession session;
    private final DeviceInfo info;
    private final Output out;
    private final FrameDecoder decoder = new FrameDecoder(this::onFrame);
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
        long before = decoder.badFrames();
        decoder.push(b, off, len);
        if (decoder.badFrames() > before) {
            reply(FrameType.NAK, nak(session.resumeOffset(), NAK_CORRUPT));
        }
    }

    /**
     * The line was quiet for the frame timeout (50 ms): a frame still incomplete was cut (a byte
     * lost on the line, or the sender paused inside it), and the host is told at once with NAK 4
     * instead of waiting for its retransmission timeout. A reason of its own, because a pause of
     * the sender is no error of the line (the host does not shrink its frames for it).
     */
    public void idle() throws IOException {
        long before = decoder.badFrames();
        decoder.idle();
        if (decoder.badFrames() > before) {
            reply(FrameType.NAK, nak(session.resumeOffset(), NAK_CUT));
        }
    }

    /** A reboot: the decoder and the session start over from what flash holds. */
    public void reboot() {
        decoder.reset();
        session.reboot();
    }

    public FrameDecoder decoder() {
        return decoder;
    }

    public TransferSession session() {
        return session;
    }

    private void onFrame(Frame f) throws IOException {
        byte[] p = f.payload();
        switch (f.type()) {
            case HELLO -> {
                session.selectiveRepeat(p.length >= 2 && (p[1] & CAP_SELECTIVE_REPEAT) != 0);
                reply(FrameType.INFO, infoPayload());
            }
            case BEGIN -> answer(session.begin(p));
            case DATA -> {
                if (p.length >= 4) {
                    long offset = LittleEndian.u32(p, 0);
                    TransferSession.Reply r = session.data(offset, p, 4, p.length - 4);
                    HeldData held = session.held();
                    if (held != null && r.kind() == TransferSession.Kind.GAP) {
                        reply(FrameType.SACK, sack(r.offset(), held, held.rangeOf(offset)));
                    } else {
                        answer(r);
                    }
                }
            }
            case DONE -> answer(session.done());
            case ABORT -> session.abort();
            default -> { } // frames a device never receives are ignored
        }
    }

    private void answer(TransferSession.Reply r) throws IOException {
        switch (r.kind()) {
            case READY -> reply(FrameType.READY, u32(r.offset()));
            case ACK, DUPLICATE -> reply(FrameType.ACK, u32(r.offset()));
            case GAP -> reply(FrameType.NAK, nak(r.offset(), NAK_GAP));
            case RESTARTED -> reply(FrameType.NAK, nak(r.offset(), NAK_RESTARTED));
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
        b.write(Math.min(name.length, 255));
        b.write(name, 0, Math.min(name.length, 255));
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

    private void reply(FrameType type, byte[] payload) throws IOException {
        out.send(new Frame(type, seq++ & 0xFF, payload));
    }

    private static byte[] u32(long v) {
        byte[] r = new byte[4];
        LittleEndian.put32(r, 0, v);
        return r;
    }

    /**
     * SACK: the next expected offset, then the held range that holds the frame just received
     * (u32 start, u32 end), or start = end = 0 when that frame was not kept.
     */
    static byte[] sack(long expected, HeldData held, int range) {
        byte[] r = new byte[12];
        LittleEndian.put32(r, 0, expected);
        if (range >= 0) {
            LittleEndian.put32(r, 4, held.start(range));
            LittleEndian.put32(r, 8, held.end(range));
        }
        return r;
    }

    private static byte[] nak(long offset, int reason) {
        byte[] r = new byte[5];
        LittleEndian.put32(r, 0, offset);
        r[4] = (byte) reason;
        return r;
    }
}
