// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.format.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private final List<Frame> frames = new ArrayList<>();
    private final FrameDecoder decoder = new FrameDecoder(frames::add);

    private static byte[] frame(FrameType t, int seq, byte[] payload) {
        return new Frame(t, seq, payload).encode();
    }

    @Test
    void crc16CheckValue() {
        assertEquals(0x29B1, Crc16Ccitt.of("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
    }

    @Test
    void framesSurviveGarbageTruncationAndOneByteFeeding() throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] noise = new byte[500];
        new Random(1).nextBytes(noise);
        line.writeBytes(noise);
        line.writeBytes(frame(FrameType.DATA, 1, "first".getBytes()));
        byte[] cut = frame(FrameType.DATA, 2, new byte[300]);
        line.write(cut, 0, 100); // truncated frame, then the next one starts
        line.writeBytes(frame(FrameType.ACK, 3, new byte[] {1, 2, 3, 4}));
        byte[] bad = frame(FrameType.DATA, 4, "corrupt".getBytes());
        bad[9] ^= 1;
        line.writeBytes(bad);
        line.writeBytes(frame(FrameType.DONE, 5, new byte[0]));
        for (byte b : line.toByteArray()) {
            decoder.push(new byte[] {b}, 0, 1);
        }
        decoder.idle(); // the line goes quiet: the truncated frame's length was a lie
        List<Integer> seqs = frames.stream().map(Frame::seq).toList();
        assertEquals(List.of(1, 3, 5), seqs);
        assertArrayEquals("first".getBytes(), frames.get(0).payload());
        assertEquals(2, decoder.badFrames(), "the truncated and the corrupt frame");
        decoder.idle();
        assertEquals(2, decoder.badFrames(), "idle with nothing buffered changes nothing");
    }

    @Test
    void oversizedLengthIsRejectedBeforeBuffering() throws Exception {
        byte[] h = new byte[7];
        h[0] = (byte) Frame.SOF;
        h[1] = (byte) FrameType.DATA.code();
        h[3] = (byte) 0xFF;
        h[4] = (byte) 0xFF; // length 65535
        int crc = Crc16Ccitt.of(h, 0, 5);
        h[5] = (byte) crc;
        h[6] = (byte) (crc >>> 8);
        decoder.push(h, 0, h.length);
        byte[] good = frame(FrameType.HELLO, 9, new byte[] {1});
        decoder.push(good, 0, good.length);
        assertEquals(1, decoder.badHeaders());
        assertEquals(1, frames.size());
        assertEquals(FrameType.HELLO, frames.get(0).type());
    }

    @Test
    void randomLineNoiseNeverThrowsAndRealFramesStillArrive() throws Exception {
        Random r = new Random(7);
        int sent = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(40)];
            r.nextBytes(junk);
            if (r.nextInt(4) == 0 && junk.length > 0) {
                junk[0] = (byte) Frame.SOF;
            }
            decoder.push(junk, 0, junk.length);
            byte[] f = frame(FrameType.DATA, i & 0xFF, new byte[r.nextInt(100)]);
            decoder.push(f, 0, f.length);
            sent++;
        }
        // Junk can swallow the start of a following frame at most once per junk run.
        assertEquals(true, frames.size() > sent * 9 / 10, frames.size() + " of " + sent);
    }

    /**
     * A frame of type code {@code outer} whose payload carries a whole HELLO frame (seq 0x30) between
     * four bytes on each side, then a HELLO (seq 8); the C device's tests/uart_frames_test.c feeds the
     * same line to fwd_uart.
     */
    private static byte[] lineWithInnerHello(int outer) {
        byte[] hello = {1, 0};
        byte[] inner = frame(FrameType.HELLO, 0x30, hello);
        byte[] payload = new byte[4 + inner.length + 4];
        payload[0] = 0x10;
        System.arraycopy(inner, 0, payload, 4, inner.length);
        byte[] f = frame(FrameType.SACK, 7, payload);
        f[1] = (byte) outer; // then both CRCs again, so that only the type differs
        LittleEndian.put16(f, 5, Crc16Ccitt.of(f, 0, 5));
        CRC32 crc = new CRC32();
        crc.update(f, 0, Frame.HEADER + payload.length);
        LittleEndian.put32(f, Frame.HEADER + payload.length, crc.getValue());
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes(f);
        line.writeBytes(frame(FrameType.HELLO, 8, hello));
        return line.toByteArray();
    }

    private List<String> decode(byte[] line, int chunk) throws Exception {
        for (int at = 0; at < line.length; at += chunk) {
            decoder.push(line, at, Math.min(chunk, line.length - at));
        }
        return frames.stream().map(f -> f.type() + "/" + f.seq()).toList();
    }

    @Test
    void aSackIsOneFrameAsInTheCDevice() throws Exception {
        for (int chunk = 1; chunk <= 128; chunk *= 2) {
            frames.clear();
            // The C device (fwd_uart) answers the HELLO after the SACK only, never the one inside it.
            assertEquals(List.of("SACK/7", "HELLO/8"), decode(lineWithInnerHello(FrameType.SACK.code()), chunk));
            assertEquals(0, decoder.badHeaders() + decoder.badFrames());
        }
    }

    @Test
    void aTypeOutsideTheProtocolIsABadHeaderAsInTheCDevice() throws Exception {
        // The C device answers both HELLOs here: the one inside the refused frame and the one after it.
        assertEquals(List.of("HELLO/48", "HELLO/8"), decode(lineWithInnerHello(0x0C), 1));
        assertEquals(1, decoder.badHeaders());
    }
}
