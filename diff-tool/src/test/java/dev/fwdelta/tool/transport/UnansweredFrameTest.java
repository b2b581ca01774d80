// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.device.DeviceLayout;
import dev.fwdelta.runtime.device.UpdateAgent;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.transport.DeviceInfo;
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import dev.fwdelta.runtime.transport.FrameType;
import dev.fwdelta.runtime.transport.UartDevice;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * The go-back-N host's count of answers owed (docs/PROTOCOL.md, "Duplicates and order") when a
 * frame draws no answer: a DATA frame whose header broke on the line (the device drops it and
 * says nothing) or an answer lost on its way back. The answers owed when the host goes back are
 * those of frames written after the one the go-back's NAK answers, and no more: counted from
 * every frame written, a frame that drew no answer made the host take the NAK to a resent frame
 * broken again for an old one, and send a frame past the gap before going back. The Java device
 * over an in-memory line in lockstep (each answer read before the host writes on), broken at
 * chosen frames: the frames the device gets and the host's counts are asserted, never times.
 */
class UnansweredFrameTest {
    private static final DeviceLayout LAYOUT = DeviceLayout.preset("stm32f405-1m");

    /** What the line does to DATA frame number n (from 1, as the host writes them). */
    private enum Fault {
        NONE,
        /** A header bit flips: the device drops the frame and says nothing. */
        HEADER,
        /** The frame CRC fails: NAK 2. */
        PAYLOAD,
        /** The frame arrives, its answer does not. */
        ANSWER_LOST,
        /** The frame CRC fails, and its NAK 2 is lost. */
        ANSWER_LOST_AFTER_BREAK
    }

    @Test
    void aFrameThatDrewNoAnswerDoesNotHideTheNakOfItsResendBrokenAgain() throws Exception {
        // 3: header broken, no answer. 4 (past the gap): NAK 1, the host goes back. 5 (3 again): broken, NAK 2.
        Line line = transfer(3, Fault.HEADER, 5, Fault.PAYLOAD);
        assertWentBackAtOnce(line, 3, 5);
    }

    @Test
    void aLostNakDoesNotHideTheNakOfTheResendBrokenAgain() throws Exception {
        // 3: broken, its NAK 2 lost on the way back. 4: NAK 1, the host goes back. 5 (3 again): broken, NAK 2.
        Line line = transfer(3, Fault.ANSWER_LOST_AFTER_BREAK, 5, Fault.PAYLOAD);
        assertWentBackAtOnce(line, 3, 5);
    }

    @Test
    void aLostAckIsMadeUpByTheNextAck() throws Exception {
        // 3: applied, its ACK lost. 4: ACK past both; 6: broken, NAK 2: the host goes back at once.
        Line line = transfer(3, Fault.ANSWER_LOST, 6, Fault.PAYLOAD);
        String frames = line.describe();
        assertEquals(line.offsets.get(5), line.offsets.get(6), "frame 7 is frame 6 again: " + frames);
        assertEquals(0, line.channel.counters().timeouts(), frames);
        assertEquals(1, line.channel.counters().goBacks(), frames);
        // Only the broken frame's bytes go again (in smaller frames: NAK 2 shrinks them), counted as the device saw them.
        long broken = line.offsets.get(5);
        for (int i = 6; i < line.offsets.size(); i++) {
            if (line.offsets.get(i) < line.highestEnd(i)) {
                assertTrue(line.offsets.get(i) < broken + line.lengths.get(5), "frame " + (i + 1) + " sent again: " + frames);
            }
        }
        assertEquals(line.resentBytes(), line.channel.counters().retransmittedBytes(), frames);
    }

    /**
     * The frame written after the broken resend {@code resend} is sent again at once: the host
     * took the resend's NAK as new. Go-backs: one per NAK that was news; no timeout.
     */
    private static void assertWentBackAtOnce(Line line, int lost, int resend) {
        String frames = line.describe();
        long gap = line.offsets.get(lost - 1);
        assertEquals(gap, line.offsets.get(resend - 1), "frame " + resend + " is frame " + lost + " again: " + frames);
        assertEquals(gap, line.offsets.get(resend), "frame " + (resend + 1) + " is frame " + lost
                + " a third time, nothing past the gap before it: " + frames);
        assertEquals(0, line.channel.counters().timeouts(), frames);
        assertEquals(2, line.channel.counters().goBacks(), frames);
        assertEquals(line.dataFrames(), line.channel.counters().dataFrames(), frames);
    }

    /** Sends a patch to the Java device over a line that does {@code f1} to DATA frame {@code n1} and {@code f2} to {@code n2}. */
    private static Line transfer(int n1, Fault f1, int n2, Fault f2) throws Exception {
        Random random = new Random(5);
        byte[] oldImage = new byte[48 * 1024];
        random.nextBytes(oldImage);
        byte[] newImage = oldImage.clone();
        byte[] fresh = new byte[12 * 1024];
        random.nextBytes(fresh);
        System.arraycopy(fresh, 0, newImage, 8 * 1024, fresh.length);
        byte[] patch = PatchBuilder.build(oldImage, newImage,
                new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 4096, 1, 0)).patch();
        NorFlash flash = DeviceSimulator.provision(LAYOUT, oldImage);
        Line line = new Line(n1, f1, n2, f2);
        line.device = new UartDevice(() -> new UpdateAgent(LAYOUT, flash, UpdatePolicy.ramOnly(1 << 20)),
                new DeviceInfo(1 << 20, 0, 0, LAYOUT.name()), line::answer, 0);
        try (UartChannel channel = new UartChannel(line, 115_200, 5_000, false)) {
            line.channel = channel;
            new HostSession(channel, (acked, total, resumedAt) -> { }, UartChannel.MAX_RECONNECTS).send(patch);
        }
        byte[] staged = Arrays.copyOfRange(flash.snapshot(), (int) LAYOUT.staging().offset(),
                (int) LAYOUT.staging().offset() + newImage.length);
        assertArrayEquals(newImage, staged);
        return line;
    }

    /** The host's end of an in-memory line to a Java device, in lockstep, breaking chosen DATA frames. */
    private static final class Line implements Link {
        private final LinkedBlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
        private final QueuedBytes in = new QueuedBytes(toHost);
        private final int n1;
        private final Fault f1;
        private final int n2;
        private final Fault f2;
        UartDevice device;
        UartChannel channel;
        /** The offset and patch bytes of every DATA frame the host wrote, in order. */
        final List<Long> offsets = new ArrayList<>();
        final List<Long> lengths = new ArrayList<>();
        /** The device's answers, as "ACK n" or "NAK n/reason", one per DATA frame (null: none, or lost). */
        final List<String> answers = new ArrayList<>();
        private Fault current = Fault.NONE;
        private boolean dataWrite;
        private long chunks;

        Line(int n1, Fault f1, int n2, Fault f2) {
            this.n1 = n1;
            this.f1 = f1;
            this.n2 = n2;
            this.f2 = f2;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] frame = Arrays.copyOfRange(b, off, off + len);
            current = Fault.NONE;
            dataWrite = false;
            if (len > 7 && (frame[0] & 0xFF) == Frame.SOF && frame[1] == FrameType.DATA.code()) {
                offsets.add(LittleEndian.u32(frame, 7));
                lengths.add((long) len - Frame.OVERHEAD - 4);
                answers.add(null);
                dataWrite = true;
                int n = offsets.size();
                current = n == n1 ? f1 : n == n2 ? f2 : Fault.NONE;
                if (current == Fault.HEADER) {
                    frame[3] ^= 0x01; // a length bit: the header CRC fails, the device says nothing
                } else if (current == Fault.PAYLOAD || current == Fault.ANSWER_LOST_AFTER_BREAK) {
                    frame[len - 1] ^= 0x01; // the frame CRC fails: NAK 2
                }
            }
            device.receive(frame, 0, frame.length);
            in.awaitRead(chunks, 10_000);
        }

        /** The device's answer: queued for the host unless the line loses it. */
        void answer(byte[] b, int off, int len) {
            byte[] a = Arrays.copyOfRange(b, off, off + len);
            if (dataWrite) {
                answers.set(answers.size() - 1, describe(a));
            }
            if (current == Fault.ANSWER_LOST || current == Fault.ANSWER_LOST_AFTER_BREAK) {
                return;
            }
            toHost.add(a);
            chunks++;
        }

        private static String describe(byte[] a) {
            List<String> s = new ArrayList<>();
            FrameDecoder d = new FrameDecoder(f -> s.add(f.type() + " " + (f.payload().length >= 4
                    ? LittleEndian.u32(f.payload(), 0) + (f.payload().length > 4 ? "/" + f.payload()[4] : "") : "")));
            try {
                d.push(a, 0, a.length);
            } catch (IOException e) {
                s.add(e.getMessage());
            }
            return String.join(",", s);
        }

        long dataFrames() {
            return offsets.size();
        }

        /** The end of the highest patch byte sent in the DATA frames before frame {@code i} (from 0). */
        long highestEnd(int i) {
            long end = 0;
            for (int j = 0; j < i; j++) {
                end = Math.max(end, offsets.get(j) + lengths.get(j));
            }
            return end;
        }

        /** Bytes of the frames that start below the highest byte sent before them: sent again. */
        long resentBytes() {
            long n = 0;
            for (int i = 0; i < offsets.size(); i++) {
                n += offsets.get(i) < highestEnd(i) ? lengths.get(i) : 0;
            }
            return n;
        }

        String describe() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < offsets.size(); i++) {
                s.append("\n  ").append(i + 1).append(": DATA ").append(offsets.get(i)).append(" -> ").append(answers.get(i));
            }
            return s.toString();
        }

        @Override
        public int read(byte[] b, int off, int len, int timeoutMs) throws IOException {
            return in.read(b, off, len, timeoutMs);
        }

        @Override
        public String name() {
            return "memory line";
        }

        @Override
        public void close() {
        }
    }
}
