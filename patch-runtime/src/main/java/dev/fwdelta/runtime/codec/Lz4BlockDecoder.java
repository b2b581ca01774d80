// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.IOException;

/**
 * Codec "lz77": one LZ4 block per fwdelta block, decoded byte by byte as it arrives.
 *
 * <pre>
 * sequence := token(u8: literal_len&lt;&lt;4 | match_len-4)  [255.. ext]  literals
 *             offset(u16 LE)  [255.. ext]        (the last sequence stops after its literals:
 *                                                 one that ends after a match is CODEC_CORRUPT)
 * </pre>
 * Memory: the history ring of {@code window} bytes, nothing else.
 */
final class Lz4BlockDecoder implements BlockDecoder {
    private enum State { TOKEN, LITERAL_LENGTH, LITERALS, OFFSET_LOW, OFFSET_HIGH, MATCH_LENGTH }

    private final HistoryWindow window;
    private State state;
    private long rawLength;
    private long literalsLeft;
    private long matchLength;
    private int offset;

    Lz4BlockDecoder(int windowSize) {
        this.window = new HistoryWindow(windowSize);
    }

    @Override
    public void start(long encodedLength, long rawLength) {
        this.rawLength = rawLength;
        window.reset();
        state = State.TOKEN;
    }

    @Override
    public void feed(byte[] b, int off, int len, RawConsumer out) throws IOException {
        try {
            decode(b, off, len, out);
        } catch (PatchException e) {
            throw window.flushBefore(e, out);
        }
        window.flush(out);
    }

    private void decode(byte[] b, int off, int len, RawConsumer out) throws IOException {
        int end = off + len;
        while (off < end) {
            if (state == State.LITERALS) {
                int n = (int) Math.min(literalsLeft, end - off);
                window.put(b, off, n, out);
                off += n;
                literalsLeft -= n;
                if (literalsLeft == 0) {
                    state = State.OFFSET_LOW;
                }
                continue;
            }
            int v = b[off++] & 0xFF;
            switch (state) {
                case TOKEN:
                    literalsLeft = v >>> 4;
                    matchLength = (v & 0x0F) + 4;
                    state = literalsLeft == 15 ? State.LITERAL_LENGTH : afterLiteralLength();
                    break;
                case LITERAL_LENGTH:
                    literalsLeft += v;
                    checkFits(literalsLeft, "literal length");
                    if (v != 255) {
                        state = afterLiteralLength();
                    }
                    break;
                case OFFSET_LOW:
                    offset = v;
                    state = State.OFFSET_HIGH;
                    break;
                case OFFSET_HIGH:
                    offset |= v << 8;
                    if (offset == 0 || offset > window.total() || offset > window.size()) {
                        throw new PatchException(ErrorCode.CODEC_CORRUPT, "bad value for lz77 match offset: "
                                + offset + " (valid range 1.." + Math.min(window.total(), window.size()) + ")");
                    }
                    if (matchLength == 19) {
                        state = State.MATCH_LENGTH;
                    } else {
                        copyMatch(out);
                    }
                    break;
                case MATCH_LENGTH:
                    matchLength += v;
                    checkFits(matchLength, "match length");
                    if (v != 255) {
                        copyMatch(out);
                    }
                    break;
                default:
                    throw new IllegalStateException(state.name());
            }
        }
    }

    private State afterLiteralLength() throws PatchException {
        checkFits(literalsLeft, "literal length");
        return literalsLeft == 0 ? State.OFFSET_LOW : State.LITERALS;
    }

    private void checkFits(long length, String field) throws PatchException {
        long room = rawLength - window.total();
        if (length > room) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "lz77 " + field, length, 0, room);
        }
    }

    private void copyMatch(RawConsumer out) throws IOException {
        checkFits(matchLength, "match length");
        window.copy(offset - 1, matchLength, out);
        state = State.TOKEN;
    }

    @Override
    public void finish(RawConsumer out) throws IOException {
        window.flush(out);
        // A block ends after the literals of its last sequence, as in LZ4 (FORMAT.md 2.1): fwdelta's
        // encoder never ended one after a match, and a strict LZ4 decoder would refuse such a block.
        if (state == State.TOKEN) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "lz77 block ends after a match: its last sequence "
                    + "must have literals only");
        }
        if (state != State.OFFSET_LOW || window.total() != rawLength) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "lz77 block ended in state " + state + " after "
                    + window.total() + " of " + rawLength + " raw bytes");
        }
    }
}
