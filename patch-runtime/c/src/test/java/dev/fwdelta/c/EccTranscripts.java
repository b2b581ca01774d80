// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Transcripts for the ECC device of {@link UartDifferentialTest} ({@link UartLine#ECC_TEARS}): a
 * whole update as fuzz/make_uart_seeds.c writes one but in small DATA frames, behind up to
 * {@link #MAX_FILLER} filler bytes (0x00, skipped by a device before a SOF) that move the reset
 * events of the chunk seed, and the torn write with them, all over the update; then the same update
 * sent again {@link #RESENDS} times in one-byte DATA frames with selective repeat, each pair of
 * frames swapped (the second held until the first comes, so that a torn unit met at a block's end
 * can be met with a frame held). A line cannot follow the device's
 * answers, so the resends start at the payload start and go on byte by byte: whatever READY or
 * NAK 3 says, a frame at that offset comes (those before it are duplicates). A reset event of the
 * chunk seed tears a write (most often a staging program: {@link UartLine#tearRegion}), so a later
 * resend resumes over the torn unit, and the agent begins the update again where a torn unit is
 * met. The same seed gives the same transcripts.
 */
final class EccTranscripts {
    /** Sends after the first: one to meet a torn unit, one to go on after its restart, two more for another tear. */
    private static final int RESENDS = 4;
    /** The first update's DATA sizes. */
    private static final int[] DATA_SIZES = {1, 2, 3, 4};
    /** Filler bytes before the first update's DATA frames, at most. */
    private static final int MAX_FILLER = 2048;

    private EccTranscripts() {}

    /** {@code count} transcripts, each vector in turn, flags and chunk seed drawn from {@code seed}. */
    static List<byte[]> make(Path vectors, int count, long seed) throws IOException {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int v = i % UartLine.VECTORS.length;
            byte[] patch = Files.readAllBytes(vectors.resolve(UartLine.VECTORS[v] + ".fwd"));
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            t.write(v);
            // no quiet lines: a frame cut by one is not sent again by a transcript, and the update would stall
            t.write(UartLine.ECC_TEARS | UartLine.RESETS | random.nextInt(2) * UartLine.CONFIRM);
            t.write(1 + random.nextInt(255)); // a chunk seed that is not 0: the line comes in chunks, with events
            int seq = update(t, 0, patch, DATA_SIZES[i / UartLine.VECTORS.length % DATA_SIZES.length],
                    random.nextBoolean(), false, random.nextInt(MAX_FILLER + 1));
            for (int k = 0; k < RESENDS; k++) {
                seq = update(t, seq, patch, 1, true, true, 0);
            }
            out.add(t.toByteArray());
        }
        return out;
    }

    /** HELLO, BEGIN, {@code filler} bytes 0x00, the payload in DATA frames of {@code size} bytes, DONE; the next seq. */
    private static int update(ByteArrayOutputStream t, int seq, byte[] patch, int size, boolean selective,
            boolean swapped, int filler) throws IOException {
        int headerSize;
        try {
            headerSize = PatchHeader.sizeFromPrefix(patch);
        } catch (PatchException e) {
            throw new IOException("a UART vector is not a patch", e);
        }
        t.writeBytes(new Frame(FrameType.HELLO, seq++ & 0xFF,
                new byte[] {1, (byte) (selective ? UartDevice.CAP_SELECTIVE_REPEAT : 0)}).encode());
        byte[] begin = new byte[4 + headerSize];
        LittleEndian.put32(begin, 0, patch.length);
        System.arraycopy(patch, 0, begin, 4, headerSize);
        t.writeBytes(new Frame(FrameType.BEGIN, seq++ & 0xFF, begin).encode());
        t.writeBytes(new byte[filler]);
        List<Integer> starts = new ArrayList<>();
        for (int at = headerSize; at < patch.length; at += size) {
            starts.add(at);
        }
        for (int i = 0; i < starts.size(); i++) {
            int j = swapped ? (i % 2 == 0 ? Math.min(i + 1, starts.size() - 1) : i - 1) : i;
            int at = starts.get(j);
            int len = Math.min(size, patch.length - at);
            byte[] data = new byte[4 + len];
            LittleEndian.put32(data, 0, at);
            System.arraycopy(patch, at, data, 4, len);
            t.writeBytes(new Frame(FrameType.DATA, seq++ & 0xFF, data).encode());
        }
        byte[] done = new byte[4];
        LittleEndian.put32(done, 0, patch.length);
        t.writeBytes(new Frame(FrameType.DONE, seq++ & 0xFF, done).encode());
        return seq;
    }
}
