// SPDX-License-Identifier: Apache-2.0
// The Java FrameDecoder (patch-runtime, the reference decoder) on the byte streams of
// web/test/decoder.test.js, run with the source launcher: java -cp diff-tool/target/fwdelta.jar.
// Stdin: records of u32 little-endian n, then n bytes to push; n = 0xFFFFFFFF: idle() (the line went
// quiet for 50 ms); n = 0xFFFFFFFE: the stream ends and the next one gets a new decoder.
// Stdout: "frame TYPE SEQ PAYLOAD-HEX" per good frame, "end BAD-FRAMES" per stream.
import dev.fwdelta.runtime.transport.Frame;
import dev.fwdelta.runtime.transport.FrameDecoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HexFormat;

public class FrameDecoderOracle {
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "US-ASCII");
        FrameDecoder decoder = null;
        for (;;) {
            int n;
            try {
                n = Integer.reverseBytes(in.readInt());
            } catch (EOFException end) {
                break;
            }
            if (decoder == null) {
                decoder = new FrameDecoder((Frame f) -> out.println("frame " + f.type().code() + " " + f.seq() + " "
                        + HexFormat.of().formatHex(f.payload())));
            }
            if (n == 0xFFFFFFFF) {
                decoder.idle();
            } else if (n == 0xFFFFFFFE) {
                out.println("end " + decoder.badFrames());
                decoder = null;
            } else {
                byte[] b = in.readNBytes(n);
                decoder.push(b, 0, b.length);
            }
        }
        out.flush();
    }
}
