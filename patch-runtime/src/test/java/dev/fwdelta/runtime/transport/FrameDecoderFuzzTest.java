// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the frame decoder: any bytes, in any chunking, must give only whole,
 * CRC-checked frames and never an exception; a good frame after the garbage must still arrive.
 * Run by hand: {@code ./mvnw -pl patch-runtime -Pfuzz test -Dtest=FrameDecoderFuzzTest}.
 */
class FrameDecoderFuzzTest {
    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void decodeAnything(byte[] input) throws Exception {
        List<Frame> frames = new ArrayList<>();
        FrameDecoder d = new FrameDecoder(frames::add);
        int chunk = input.length == 0 ? 1 : 1 + (input[0] & 0x3F);
        for (int off = 0; off < input.length; off += chunk) {
            d.push(input, off, Math.min(chunk, input.length - off));
        }
        for (Frame f : frames) {
            assertTrue(f.payload().length <= Frame.MAX_PAYLOAD);
        }
        // Resynchronisation: a complete frame (and a little padding to close any open frame) is found.
        byte[] pad = new byte[Frame.OVERHEAD + Frame.MAX_PAYLOAD];
        d.push(pad, 0, pad.length);
        int before = frames.size();
        byte[] good = new Frame(FrameType.ACK, 42, new byte[] {1, 2, 3, 4}).encode();
        d.push(good, 0, good.length);
        assertEquals(before + 1, frames.size());
        assertEquals(42, frames.get(frames.size() - 1).seq());
    }
}
