package dev.fwdelta.runtime.transport;

import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The device side of the UART protocol (docs/PROTOCOL.md): turns frames into update-agent calls
 * and answers. Only the DATA frame at the next expected offset is applied; duplicates are
 * acknowledged, gaps answered with NAK. RAM: the decoder's frame buffer and the 256-byte header.
 */
public final class UartDevice {
    /** Sends a frame back to the host. */
    @FunctionalInterface
    public interface Output {
        void send(Frame f) throws IOException;
    }

    public static final int RESULT_OK = 0;
    public static final int RESULT_OTHER = 0xFFFF;

    private final Supplier<UpdateAgent> agents;
    private final DeviceInfo info;
    private final Output out;
    private final FrameDecoder decoder = new FrameDecoder(this::onFrame);
    private UpdateAgent agent;
    private long patchLength = -1;
    private long expected;
    private int seq;

    /** @param agents makes the update agent (again after a reboot), reading its state from flash */
    public UartDevice(Supplier<UpdateAgent> agents, DeviceInfo info, Output out) {
        this.agents = agents;
        this.info = info;
        this.out = out;
        this.agent = agents.get();
    }

    /** Bytes from the line. */
    public void receive(byte[] b, int off, int len) throws IOException {
        long before = decoder.badFrames();
        decoder.push(b, off, len);
        if (decoder.badFrames() > before && patchLength >= 0) {
            reply(FrameType.NAK, nak(expected, 2));
        }
    }

    /** A reboot: the session and the agent start over from what flash holds. */
    public void reboot() {
        decoder.reset();
        agent = agents.get();
        patchLength = -1;
    }

    public FrameDecoder decoder() {
        return decoder;
    }

    private void onFrame(Frame f) throws IOException {
        switch (f.type()) {
            case HELLO -> reply(FrameType.INFO, infoPayload());
            case BEGIN -> onBegin(f.payload());
            case DATA -> onData(f.payload());
            case DONE -> onDone(f.payload());
            case ABORT -> {
                agent.abort();
                patchLength = -1;
            }
            default -> { } // frames a device never receives are ignored
        }
    }

    private void onBegin(byte[] p) throws IOException {
        if (!carriesWholeHeader(p, 4)) {
            result(RESULT_OTHER, "BEGIN must carry a u32 length and the whole header (header_size bytes)");
            return;
        }
        try {
            if (agent.state() == UpdateAgent.State.FAILED) {
                agent = agents.get();
            }
            long from = agent.begin(Arrays.copyOfRange(p, 4, p.length));
            patchLength = LittleEndian.u32(p, 0);
            expected = from;
            byte[] r = new byte[4];
            LittleEndian.put32(r, 0, from);
            reply(FrameType.READY, r);
        } catch (PatchException e) {
            patchLength = -1;
            result(e.code().number(), e.getMessage());
        } catch (IllegalStateException e) {
            patchLength = -1;
            result(RESULT_OTHER, e.getMessage());
        }
    }

    private void onData(byte[] p) throws IOException {
        if (patchLength < 0 || p.length < 4) {
            return; // no session: the host will time out and reconnect with BEGIN
        }
        long offset = LittleEndian.u32(p, 0);
        int n = p.length - 4;
        if (offset < expected) {
            reply(FrameType.ACK, ack(expected)); // duplicate or retransmission
            return;
        }
        if (offset > expected || offset + n > patchLength) {
            reply(FrameType.NAK, nak(expected, 1));
            return;
        }
        try {
            agent.receive(p, 4, n);
            expected += n;
            reply(FrameType.ACK, ack(expected));
        } catch (PatchException e) {
            patchLength = -1;
            result(e.code().number(), e.getMessage());
        }
    }

    private void onDone(byte[] p) throws IOException {
        if (agent.state() == UpdateAgent.State.STAGED) {
            result(RESULT_OK, "staged and verified");
            return;
        }
        if (patchLength < 0 || expected != patchLength) {
            reply(FrameType.NAK, nak(expected, 1));
            return;
        }
        try {
            agent.finish();
            result(RESULT_OK, "staged and verified");
        } catch (PatchException e) {
            result(e.code().number(), e.getMessage());
        } finally {
            patchLength = -1;
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
        fixed[19] = (byte) agent.state().ordinal();
        LittleEndian.put32(fixed, 20, agent.resumeOffset());
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

    private static byte[] ack(long offset) {
        byte[] r = new byte[4];
        LittleEndian.put32(r, 0, offset);
        return r;
    }

    private static byte[] nak(long offset, int reason) {
        byte[] r = new byte[5];
        LittleEndian.put32(r, 0, offset);
        r[4] = (byte) reason;
        return r;
    }

    /** Whether {@code p} holds, from {@code off}, a header prefix and exactly header_size bytes. */
    public static boolean carriesWholeHeader(byte[] p, int off) {
        if (p.length < off + dev.fwdelta.runtime.format.PatchHeader.PREFIX_SIZE) {
            return false;
        }
        try {
            return p.length - off == dev.fwdelta.runtime.format.PatchHeader.sizeFromPrefix(Arrays.copyOfRange(p, off,
                    off + dev.fwdelta.runtime.format.PatchHeader.PREFIX_SIZE));
        } catch (PatchException e) {
            return false;
        }
    }
}
