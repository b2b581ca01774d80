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

    private final TransferSession session;
    private final DeviceInfo info;
    private final Output out;
    private final FrameDecoder decoder = new FrameDecoder(this::onFrame);
    private int seq;

    /** @param agents makes the update agent (again after a reboot), reading its state from flash */
    public UartDevice(Supplier<UpdateAgent> agents, DeviceInfo info, Output out) {
        this.session = new TransferSession(agents);
        this.info = info;
        this.out = out;
    }

    /** Bytes from the line. */
    public void receive(byte[] b, int off, int len) throws IOException {
        long before = decoder.badFrames();
        decoder.push(b, off, len);
        if (decoder.badFrames() > before && session.patchLength() >= 0) {
            reply(FrameType.NAK, nak(session.resumeOffset(), NAK_CORRUPT));
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
            case HELLO -> reply(FrameType.INFO, infoPayload());
            case BEGIN -> answer(session.begin(p));
            case DATA -> {
                if (p.length >= 4) {
                    answer(session.data(LittleEndian.u32(p, 0), p, 4, p.length - 4));
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

    private static byte[] nak(long offset, int reason) {
        byte[] r = new byte[5];
        LittleEndian.put32(r, 0, offset);
        r[4] = (byte) reason;
        return r;
    }
}
