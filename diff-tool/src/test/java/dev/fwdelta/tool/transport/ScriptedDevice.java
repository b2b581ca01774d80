// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The device end of the line, scripted: each frame the host writes is answered at once (no
 * thread), its answer waiting for the host's next read. {@link #inLockstep} makes each write
 * return only once the host's reader has taken the answer, as a device answering faster than the
 * host writes its next frame.
 */
final class ScriptedDevice implements Link {
    /** How the scripted device answers: a frame for each frame it gets, or null for none. */
    @FunctionalInterface
    interface Script {
        Frame answer(Frame got, ScriptedDevice device);
    }

    private final boolean selectiveRepeat;
    private final Script script;
    private final FrameDecoder decoder = new FrameDecoder(this::got);
    private final LinkedBlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    private final QueuedBytes fromDevice = new QueuedBytes(toHost);
    /**
     * DATA frames after which the device answers nothing more: a host that would never give up
     * then ends by its limit of lost links, and the test fails on its message instead of hanging.
     */
    static final int DEAD_AFTER_DATA_FRAMES = 20_000;
    /** How long a write in lockstep waits for the host's reader before the test fails. */
    private static final long LOCKSTEP_LIMIT_MS = 10_000;
    private boolean lockstep;
    /** Answers queued for the host. */
    private long answers;
    private int seq;
    long expected;
    /** The patch length the last BEGIN announced. */
    long total;
    /** The end of the patch bytes the host has sent. */
    long sentEnd;
    int begins;
    int dataFrames;
    int dones;

    ScriptedDevice(boolean selectiveRepeat, Script script) {
        this.selectiveRepeat = selectiveRepeat;
        this.script = script;
    }

    private void got(Frame f) {
        switch (f.type()) {
            case BEGIN -> begins++;
            case DATA -> {
                dataFrames++;
                sentEnd = Math.max(sentEnd, LittleEndian.u32(f.payload(), 0) + f.payload().length - 4);
            }
            case DONE -> dones++;
            default -> { }
        }
        Frame a = dataFrames > DEAD_AFTER_DATA_FRAMES ? null : script.answer(f, this);
        if (a != null) {
            answerFirst(a);
        }
    }

    /**
     * Queues {@code a} for the host before the answer the script returns: a script answers an
     * earlier frame late this way, so that the host reads both in one burst.
     */
    synchronized void answerFirst(Frame a) {
        toHost.add(new Frame(a.type(), seq++ & 0xFF, a.payload()).encode());
        answers++;
    }

    /**
     * From now on the host's reader has decoded the answer to each frame by the time the write
     * of that frame returns: the host reads it before it chooses its next frame, as the web
     * page's in-memory channel does, so counts of frames sent again do not depend on how the
     * reader thread is scheduled.
     */
    ScriptedDevice inLockstep() {
        lockstep = true;
        return this;
    }

    /** The offset of a DATA frame. */
    long offsetOf(Frame data) {
        return LittleEndian.u32(data.payload(), 0);
    }

    /** The end of a DATA frame's patch bytes. */
    long endOf(Frame data) {
        return offsetOf(data) + data.payload().length - 4;
    }

    /** What an honest device with no hold ring for gaps answers; DONE before every byte arrived draws NAK(expected, 1). */
    Frame honest(Frame f) {
        switch (f.type()) {
            case HELLO -> {
                byte[] name = "scripted".getBytes(StandardCharsets.US_ASCII);
                byte[] p = new byte[25 + name.length + (selectiveRepeat ? 3 : 0)];
                p[0] = 1;
                p[24] = (byte) name.length;
                System.arraycopy(name, 0, p, 25, name.length);
                if (selectiveRepeat) {
                    p[25 + name.length] = UartDevice.CAP_SELECTIVE_REPEAT;
                    LittleEndian.put16(p, 26 + name.length, 1024);
                }
                return new Frame(FrameType.INFO, 0, p);
            }
            case BEGIN -> {
                expected = 0;
                sentEnd = 0;
                total = LittleEndian.u32(f.payload(), 0);
                return offset(FrameType.READY, 0);
            }
            case DATA -> {
                long off = LittleEndian.u32(f.payload(), 0);
                if (off > expected) {
                    return nak(expected, UartDevice.NAK_GAP);
                }
                expected = Math.max(expected, off + f.payload().length - 4);
                return offset(FrameType.ACK, expected);
            }
            case DONE -> {
                if (expected < total) {
                    return nak(expected, UartDevice.NAK_GAP); // DONE early (docs/PROTOCOL.md)
                }
                byte[] p = {0, 0, 'o', 'k'};
                return new Frame(FrameType.RESULT, 0, p);
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
        return fromDevice.read(b, off, len, timeoutMs);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        decoder.push(b, off, len);
        if (lockstep) {
            fromDevice.awaitRead(answers, LOCKSTEP_LIMIT_MS);
        }
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public void close() {
    }

    static Frame offset(FrameType type, long offset) {
        byte[] p = new byte[4];
        LittleEndian.put32(p, 0, offset);
        return new Frame(type, 0, p);
    }

    static Frame nak(long offset, int reason) {
        byte[] p = new byte[5];
        LittleEndian.put32(p, 0, offset);
        p[4] = (byte) reason;
        return new Frame(FrameType.NAK, 0, p);
    }

    /** A patch of about {@code freshBytes} bytes (new random bytes after an unchanged old image) to carry. */
    static byte[] patch(int freshBytes) {
        Random random = new Random(5);
        byte[] oldImage = new byte[16 * 1024];
        random.nextBytes(oldImage);
        byte[] newImage = new byte[oldImage.length + freshBytes];
        System.arraycopy(oldImage, 0, newImage, 0, oldImage.length);
        byte[] fresh = new byte[freshBytes];
        random.nextBytes(fresh);
        System.arraycopy(fresh, 0, newImage, oldImage.length, fresh.length);
        return PatchBuilder.build(oldImage, newImage, BuildOptions.defaults()).patch();
    }
}
