// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.ByteWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The builder's side of codec split: lays a block's two coded streams out in the order the
 * decoder asks for them. It runs {@link SplitBlockDecoder} itself, so the order is the decoder's
 * by construction, and checks that the block decodes to its records.
 */
public final class SplitInterleaver {
    private SplitInterleaver() {}

    /**
     * The block's codec data: controls_length, then the chunks of {@code controls} (the control
     * coder's output) and {@code data} (raw LZMA of the data bytes, empty when there are none).
     */
    public static byte[] interleave(byte[] records, byte[] controls, byte[] data, int dictSize, int props) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(controls.length + data.length + 5);
        ByteWriter.writeUvarint(out, controls.length);
        int lengthBytes = out.size();
        SplitBlockDecoder decoder = new SplitBlockDecoder(dictSize, props);
        Expected expected = new Expected(records);
        try {
            decoder.start(lengthBytes + controls.length + data.length, records.length);
            decoder.feed(out.toByteArray(), 0, lengthBytes, expected);
            int[] taken = new int[2];
            for (int s = decoder.advance(expected); s != SplitBlockDecoder.NONE; s = decoder.advance(expected)) {
                byte[] stream = s == SplitBlockDecoder.CONTROLS ? controls : data;
                int n = Math.min(SplitBlockDecoder.CHUNK, stream.length - taken[s]);
                out.write(stream, taken[s], n);
                decoder.feed(stream, taken[s], n, expected);
                taken[s] += n;
            }
            decoder.finish(expected);
            if (taken[0] != controls.length || taken[1] != data.length || expected.at != records.length) {
                throw new IllegalStateException("split block left stream bytes unread");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("split block does not decode to its records", e);
        }
        return out.toByteArray();
    }

    /** Checks the decoded bytes against the records they must be. */
    private static final class Expected implements RawConsumer {
        private final byte[] records;
        private int at;

        Expected(byte[] records) {
            this.records = records;
        }

        @Override
        public void accept(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                if (at >= records.length || b[off + i] != records[at]) {
                    throw new IOException("split block decodes to other bytes than its records at " + at);
                }
                at++;
            }
        }
    }
}
