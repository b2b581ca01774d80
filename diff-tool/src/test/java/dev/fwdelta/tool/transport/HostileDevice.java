// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A device script that answers each frame the host writes with frames chosen from a seeded
 * random source: often what an honest device would say, otherwise wrong types, INFO fields at and
 * past their limits, offsets past the patch, below the acknowledged offset or 0xFFFFFFFF, unknown
 * NAK reasons, RESULTs of odd lengths and text that is not UTF-8, old answers again, bursts of
 * answers to one frame, and silence. It records what the host wrote, so that a test can check
 * that the host never sent a byte that is not the patch's and never called a patch staged whose
 * bytes it had not sent. After {@link #ANSWER_BUDGET} frames it answers nothing more: a host that
 * would never give up then ends by its lost links, and the test fails on its count of frames.
 */
final class HostileDevice implements ScriptedDevice.Script {
    /** Frames answered at most; then silence. */
    static final int ANSWER_BUDGET = 20_000;
    /** The most answers to one frame. */
    static final int MAX_BURST = 40;

    private final Random random;
    private final byte[] patch;
    /** How often an answer is not the honest one, and how often such an answer ends a transfer at once: per seed. */
    private final double hostility;
    private final double fatality;
    private final List<Frame> said = new ArrayList<>();
    /** Frames the host wrote, of every type. */
    int framesWritten;
    /** A DATA frame whose bytes are not the patch's at its offset, or past its end (null: none). */
    String badData;
    /** The READY offsets this device sent, and the patch bytes the host sent since its last BEGIN. */
    private final Set<Long> readyOffsets = new TreeSet<>();
    private final List<long[]> sentSinceBegin = new ArrayList<>();

    HostileDevice(long seed, byte[] patch) {
        this.random = new Random(seed);
        this.patch = patch;
        this.hostility = random.nextInt(4) == 0 ? 0.02 : 0.05 + random.nextDouble() * 0.5;
        this.fatality = random.nextBoolean() ? 0 : random.nextDouble() * 0.1;
    }

    @Override
    public Frame answer(Frame got, ScriptedDevice dev) {
        framesWritten++;
        if (got.type() == FrameType.BEGIN) {
            sentSinceBegin.clear();
        }
        if (got.type() == FrameType.DATA) {
            checkData(got, dev);
        }
        if (framesWritten > ANSWER_BUDGET) {
            return null;
        }
        Frame honest = dev.honest(got);
        if (random.nextDouble() >= hostility) {
            return remember(honest);
        }
        int bursts = random.nextInt(8) == 0 ? 1 + random.nextInt(MAX_BURST) : 1;
        Frame last = null;
        for (int i = 0; i < bursts; i++) {
            if (last != null) {
                dev.answerFirst(last);
            }
            last = remember(hostile(got, honest, dev));
        }
        return last;
    }

    private Frame remember(Frame f) {
        if (f != null) {
            said.add(f);
            if (f.type() == FrameType.READY && f.payload().length >= 4) {
                readyOffsets.add(LittleEndian.u32(f.payload(), 0));
            }
        }
        return f;
    }

    /**
     * Whether the DATA frames since the last BEGIN cover every patch byte from the offset of some
     * READY this device sent: a host that calls the patch staged must have sent it from there.
     */
    boolean sentEverythingAfterSomeReady() {
        List<long[]> ranges = new ArrayList<>(sentSinceBegin);
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (long ready : readyOffsets) {
            long covered = ready;
            for (long[] r : ranges) {
                if (r[0] <= covered) {
                    covered = Math.max(covered, r[1]);
                }
            }
            if (covered >= patch.length) {
                return true;
            }
        }
        return false;
    }

    private void checkData(Frame got, ScriptedDevice dev) {
        long off = dev.offsetOf(got);
        long end = dev.endOf(got);
        sentSinceBegin.add(new long[] {off, end});
        if (end > patch.length || end <= off) {
            badData = "DATA [" + off + ", " + end + ") of a " + patch.length + "-byte patch";
            return;
        }
        for (int i = 0; i < end - off; i++) {
            if (got.payload()[4 + i] != patch[(int) off + i]) {
                badData = "DATA at " + off + ": byte " + i + " is not the patch's";
                return;
            }
        }
    }

    /**
     * One answer no honest device gives (or might, at the wrong time). Most are ones a host
     * survives (old answers, wrong types, offsets it sent, unknown reasons), so that a transfer
     * goes on long enough to meet many; answers that end a transfer at once (RESULT, an offset
     * past what was sent) are rarer.
     */
    private Frame hostile(Frame got, Frame honest, ScriptedDevice dev) {
        if (random.nextDouble() < fatality) {
            switch (random.nextInt(4)) {
                case 0:
                    return result();
                case 1:
                    return ScriptedDevice.nak(anyOffset(dev), reason());
                default:
                    return ScriptedDevice.offset(random.nextBoolean() ? FrameType.ACK : FrameType.READY, anyOffset(dev));
            }
        }
        switch (random.nextInt(11)) {
            case 0:
                return null; // silence
            case 1:
                return said.isEmpty() ? honest : said.get(random.nextInt(said.size())); // stale or duplicate
            case 2:
                return info();
            case 3:
                return ScriptedDevice.offset(FrameType.READY, sentOffset(dev));
            case 4:
                return ScriptedDevice.offset(FrameType.ACK, sentOffset(dev));
            case 5:
                return ScriptedDevice.nak(sentOffset(dev), reason());
            case 6:
                return sack(dev);
            case 7:
                return new Frame(FrameType.values()[random.nextInt(FrameType.values().length)], 0, bytes(random.nextInt(12)));
            case 8:
                return shortened(honest);
            default:
                return honest;
        }
    }

    /** An offset within the patch bytes sent: at, below or just past what the device expects. */
    private long sentOffset(ScriptedDevice dev) {
        long[] near = {0, dev.expected, dev.sentEnd};
        long base = near[random.nextInt(near.length)];
        long off = base + random.nextInt(41) - 20;
        return Math.max(0, Math.min(dev.sentEnd, off));
    }

    /** An offset near the limits a host checks, or anywhere in the u32. */
    private long anyOffset(ScriptedDevice dev) {
        long[] near = {0, dev.expected, dev.sentEnd, patch.length, dev.total};
        long base = near[random.nextInt(near.length)];
        switch (random.nextInt(6)) {
            case 0:
                return 0xFFFF_FFFFL;
            case 1:
                return random.nextLong() & 0xFFFF_FFFFL;
            case 2:
                return Math.max(0, base - 1 - random.nextInt(2000));
            case 3:
                return base + 1 + random.nextInt(2000);
            default:
                return base;
        }
    }

    private int reason() {
        return random.nextInt(3) == 0 ? random.nextInt(256) : random.nextInt(6);
    }

    private Frame sack(ScriptedDevice dev) {
        byte[] p = new byte[random.nextInt(4) == 0 ? random.nextInt(16) : 12];
        // A range the host accepts (after the offset, within the bytes sent), or 0, 0, or any.
        long off = random.nextInt(4) == 0 ? sentOffset(dev) : dev.expected;
        long room = Math.max(0, dev.sentEnd - off);
        long start = off + (room > 1 ? random.nextInt((int) room) : 0);
        long end = start + 1 + (dev.sentEnd - start > 1 ? random.nextInt((int) (dev.sentEnd - start)) : 0);
        long[] v = random.nextInt(4) == 0 || room == 0 ? new long[] {off, 0, 0} : new long[] {off, start, end};
        for (int i = 0; i < 3 && 4 * i + 4 <= p.length; i++) {
            LittleEndian.put32(p, 4 * i, random.nextDouble() < fatality ? anyOffset(dev) : v[i]);
        }
        return new Frame(FrameType.SACK, 0, p);
    }

    /** INFO with its name length, capabilities and hold ring at and past their limits, or cut short. */
    private Frame info() {
        int nameLength = new int[] {0, 1, 32, 33, 255}[random.nextInt(5)];
        int length = 25 + nameLength + 3;
        switch (random.nextInt(4)) {
            case 0:
                length = random.nextInt(length + 1); // cut anywhere
                break;
            case 1:
                length = Math.min(Frame.MAX_PAYLOAD, length + random.nextInt(600)); // trailing bytes
                break;
            default:
                break;
        }
        byte[] p = bytes(Math.min(length, Frame.MAX_PAYLOAD));
        if (p.length > 24) {
            p[24] = (byte) nameLength;
        }
        int at = 25 + nameLength;
        if (p.length >= at + 3) {
            p[at] = (byte) (random.nextBoolean() ? UartDevice.CAP_SELECTIVE_REPEAT : random.nextInt(256));
            int[] holds = {0, 1, FrameSizer.MIN_PAYLOAD - 1, FrameSizer.MIN_PAYLOAD, 1024, 0xFFFF};
            LittleEndian.put16(p, at + 1, holds[random.nextInt(holds.length)]);
        }
        return new Frame(FrameType.INFO, 0, p);
    }

    /** RESULT with any status, any length (0, 1, odd), text that may not be UTF-8 or printable. */
    private Frame result() {
        int length = new int[] {0, 1, 2, 3, 4 + random.nextInt(40), Frame.MAX_PAYLOAD}[random.nextInt(6)];
        byte[] p = bytes(length);
        if (length >= 2 && random.nextBoolean()) {
            LittleEndian.put16(p, 0, random.nextBoolean() ? 0 : 0xFFFF);
        }
        return new Frame(FrameType.RESULT, 0, p);
    }

    /** The honest answer with its payload cut short. */
    private Frame shortened(Frame honest) {
        if (honest == null || honest.payload().length == 0) {
            return honest;
        }
        byte[] p = new byte[random.nextInt(honest.payload().length)];
        System.arraycopy(honest.payload(), 0, p, 0, p.length);
        return new Frame(honest.type(), 0, p);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
