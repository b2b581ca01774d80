// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of whole update transcripts (fuzz/make_uart_seeds.c's, or {@link EccTranscripts}):
 * bytes flipped, the transcript cut short, a frame sent twice or lost, a seed's frames followed by
 * another's, the flags (but {@link UartLine#ECC_TEARS}) and chunk seed of the input head drawn again
 * (so that quiet lines and resets come in), a frame of the host's put in between two frames (ABORT, HELLO with and without capabilities, DONE,
 * one of the transcript's DATA frames moved to another offset, BEGIN again, a device's ACK).
 * Each mutant takes one to three of them; the same seed gives the same transcripts.
 */
final class UartTranscripts {
    private static final int OPERATIONS = 7;

    private final List<byte[]> seeds;
    private final Random random;

    UartTranscripts(List<byte[]> seeds, long seed) {
        this.seeds = seeds;
        this.random = new Random(seed);
    }

    /** The seeds themselves, then mutants up to {@code count} transcripts in all. */
    List<byte[]> take(int count) {
        List<byte[]> out = new ArrayList<>(seeds.subList(0, Math.min(count, seeds.size())));
        while (out.size() < count) {
            byte[] t = seeds.get(random.nextInt(seeds.size()));
            for (int ops = 1 + random.nextInt(3); ops > 0; ops--) {
                t = mutate(t);
            }
            out.add(t);
        }
        return out;
    }

    private byte[] mutate(byte[] t) {
        List<int[]> frames = frames(t);
        switch (random.nextInt(OPERATIONS)) {
            case 0 -> {
                byte[] m = t.clone();
                for (int n = 1 + random.nextInt(4); n > 0 && m.length > UartLine.HEAD; n--) {
                    m[UartLine.HEAD + random.nextInt(m.length - UartLine.HEAD)] ^= (byte) (1 + random.nextInt(255));
                }
                return m;
            }
            case 1 -> {
                return Arrays.copyOf(t, UartLine.HEAD + random.nextInt(Math.max(1, t.length - UartLine.HEAD)));
            }
            case 2 -> {
                if (frames.isEmpty()) {
                    return t;
                }
                int[] f = frames.get(random.nextInt(frames.size()));
                return concat(Arrays.copyOf(t, f[1]), Arrays.copyOfRange(t, f[0], t.length));
            }
            case 3 -> {
                if (frames.isEmpty()) {
                    return t;
                }
                int[] f = frames.get(random.nextInt(frames.size()));
                return concat(Arrays.copyOf(t, f[0]), Arrays.copyOfRange(t, f[1], t.length));
            }
            case 4 -> {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                List<int[]> otherFrames = frames(other);
                int cut = frames.isEmpty() ? t.length : frames.get(random.nextInt(frames.size()))[1];
                int from = otherFrames.isEmpty() ? other.length : otherFrames.get(random.nextInt(otherFrames.size()))[0];
                return concat(Arrays.copyOf(t, cut), Arrays.copyOfRange(other, from, other.length));
            }
            case 5 -> {
                int at = frames.isEmpty() ? t.length : frames.get(random.nextInt(frames.size()))[random.nextInt(2)];
                return concat(concat(Arrays.copyOf(t, at), hostFrame(t, frames)), Arrays.copyOfRange(t, at, t.length));
            }
            default -> {
                byte[] m = t.clone();
                m[1] = (byte) (random.nextInt(16) | t[1] & UartLine.ECC_TEARS); // an ECC transcript stays one
                m[2] = (byte) random.nextInt(256);
                return m;
            }
        }
    }

    /** A well-formed frame a host may send at any point of a transfer, from the transcript's own where it can. */
    private byte[] hostFrame(byte[] t, List<int[]> frames) {
        int seq = random.nextInt(256);
        byte[] copied = frames.isEmpty() ? new byte[Frame.OVERHEAD + 4]
                : Arrays.copyOfRange(t, frames.get(random.nextInt(frames.size()))[0], t.length);
        byte[] payload = Arrays.copyOfRange(copied, Frame.HEADER, Frame.HEADER + LittleEndian.u16(copied, 3));
        return switch (random.nextInt(6)) {
            case 0 -> new Frame(FrameType.ABORT, seq, new byte[] {(byte) random.nextInt(4)}).encode();
            case 1 -> new Frame(FrameType.HELLO, seq, random.nextBoolean() ? new byte[] {1}
                    : new byte[] {1, (byte) random.nextInt(2)}).encode();
            case 2 -> new Frame(FrameType.DONE, seq, Arrays.copyOf(beginOf(t, frames), 4)).encode(); // its patch length
            case 3 -> {
                if (payload.length >= 4) { // the frame's bytes at another offset: a gap, a duplicate or a wrong byte
                    LittleEndian.put32(payload, 0, LittleEndian.u32(payload, 0) + random.nextInt(2048) - 1024 & 0xFFFF_FFFFL);
                }
                yield new Frame(FrameType.DATA, seq, payload).encode();
            }
            case 4 -> new Frame(FrameType.BEGIN, seq, beginOf(t, frames)).encode();
            default -> new Frame(FrameType.ACK, seq, new byte[4]).encode();
        };
    }

    /** The payload of the transcript's first BEGIN, or none. */
    private static byte[] beginOf(byte[] t, List<int[]> frames) {
        for (int[] f : frames) {
            if ((t[f[0] + 1] & 0xFF) == FrameType.BEGIN.code()) {
                return Arrays.copyOfRange(t, f[0] + Frame.HEADER, f[1] - 4);
            }
        }
        return new byte[0];
    }

    /** [start, end) of each frame of the line bytes, found as uart_line_fix_crcs finds them. */
    static List<int[]> frames(byte[] t) {
        List<int[]> frames = new ArrayList<>();
        int at = UartLine.HEAD;
        while (t.length - at >= Frame.OVERHEAD) {
            int payload = LittleEndian.u16(t, at + 3);
            if ((t[at] & 0xFF) != Frame.SOF || payload > Frame.MAX_PAYLOAD || payload > t.length - at - Frame.OVERHEAD) {
                at++;
                continue;
            }
            frames.add(new int[] {at, at + Frame.OVERHEAD + payload});
            at += Frame.OVERHEAD + payload;
        }
        return frames;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
