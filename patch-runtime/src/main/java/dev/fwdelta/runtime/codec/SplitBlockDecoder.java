// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.SplitControls;
import java.io.IOException;

/**
 * Codec "split" (FORMAT.md 2.4): a block's records rebuilt from two range-coded streams, the
 * controls (kind, lengths, zero runs, seek: {@link ControlValueDecoder}) and the data bytes (raw
 * LZMA over the diff literals and extras in the order they are written). The two streams arrive
 * in chunks of up to {@link #CHUNK} bytes, each chunk for the stream the decoder is waiting for,
 * so the patch needs no chunk headers and the decoder no buffer beyond one look-ahead per stream.
 *
 * <p>Memory: the LZMA decoder's (dictionary, probabilities, 64 bytes of input), the control
 * coder's 1,044 probabilities and its own 64 bytes of input.
 */
final class SplitBlockDecoder implements BlockDecoder {
    /** Bytes of input a stream's chunk holds at most. */
    static final int CHUNK = 32;
    /** A step (one control value or one LZMA packet) never reads more input than this. */
    static final int STEP_INPUT = 20;
    static final int CONTROLS = 0;
    static final int DATA = 1;
    /**
     * Data bytes decoded ahead of the records at most (plus the packet that passes it): packets
     * are decoded until a field's bytes, or this many, are pending, so that a run of literals costs
     * one call, not one per packet. No more than the smallest dictionary, so that a match copied
     * only as far as the ring has room ({@link #matchLeft}) always gets at least one byte in.
     */
    static final int AHEAD = 256;
    /** {@link #advance}'s answer when the block needs no more input. */
    static final int NONE = -1;

    private static final int KIND = SplitControls.KIND;
    private static final int DIFF_LEN = SplitControls.DIFF_LEN;
    private static final int ZERO_RUN = SplitControls.ZERO_RUN;
    private static final int LITERAL_LEN = SplitControls.LITERAL_LEN;
    private static final int EXTRA_LEN = SplitControls.EXTRA_LEN;
    /** Not a field: the data bytes of the field before. */
    private static final int BYTES = SplitControls.FIELDS;
    private static final String[] FIELD_NAMES = {"kind", "diff_len", "zero_run", "literal_len", "extra_len", "seek"};
    private static final RawConsumer RING_ONLY = (b, off, len) -> { };

    private final LzmaBlockDecoder data;
    /** AHEAD, or the ring's size when that is smaller (a decoder made outside a header's rules). */
    private final int ahead;
    private final RangeDecoder controls = new RangeDecoder();
    private final ControlValueDecoder values = new ControlValueDecoder();
    private final byte[] varint = new byte[5];

    private long encodedLength;
    private long rawLength;
    private long produced;
    private int lengthBytes;
    private long controlsLength;
    private boolean lengthRead;
    private long controlsArrived;
    private long dataLength;
    private long dataArrived;
    private boolean controlsStarted;
    private int owner;
    private long chunkLeft;

    private int state;
    private long kind;
    private long diffLeft;
    private long zeroRun;
    private long bytesNeeded;
    private int afterBytes;
    /** Data bytes in the ring not yet written out: never more than the ring holds. */
    private int pending;
    /** Bytes of the last match not yet copied to the ring (pending filled it), for the next fields. */
    private long matchLeft;

    SplitBlockDecoder(int dictSize, int props) {
        data = new LzmaBlockDecoder(dictSize, props);
        ahead = Math.min(AHEAD, dictSize);
    }

    @Override
    public void start(long encodedLength, long rawLength) {
        this.encodedLength = encodedLength;
        this.rawLength = rawLength;
        produced = 0;
        lengthBytes = 0;
        controlsLength = 0;
        lengthRead = false;
        controlsArrived = 0;
        dataArrived = 0;
        controlsStarted = false;
        controls.reset();
        values.reset();
        chunkLeft = 0;
        state = KIND;
        pending = 0;
        matchLeft = 0;
        bytesNeeded = 0;
    }

    @Override
    public void feed(byte[] b, int off, int len, RawConsumer out) throws IOException {
        while (len > 0) {
            if (!lengthRead) {
                readControlsLength(b[off]);
                off++;
                len--;
                continue;
            }
            if (chunkLeft == 0) {
                owner = advance(out);
                if (owner == NONE) {
                    throw new PatchException(ErrorCode.CODEC_CORRUPT,
                            "split block has bytes after its last record (" + rawLength + " raw bytes decoded)");
                }
                chunkLeft = Math.min(CHUNK, owner == CONTROLS ? controlsLength - controlsArrived : dataLength - dataArrived);
            }
            int n = (int) Math.min(len, chunkLeft);
            // a stream gets a chunk only while it holds fewer than STEP_INPUT bytes: there is room
            (owner == CONTROLS ? controls : data.input()).fill(b, off, n);
            if (owner == CONTROLS) {
                controlsArrived += n;
            } else {
                dataArrived += n;
            }
            chunkLeft -= n;
            off += n;
            len -= n;
        }
    }

    /** controls_length: a uvarint, at most 5 bytes, 1..(bytes of the block after it). */
    private void readControlsLength(byte b) throws PatchException {
        controlsLength |= (long) (b & 0x7F) << (7 * lengthBytes);
        lengthBytes++;
        if ((b & 0x80) != 0) {
            if (lengthBytes == 5) {
                throw new PatchException(ErrorCode.CODEC_CORRUPT, "split block's controls_length is longer than 5 bytes");
            }
            return;
        }
        long room = encodedLength - lengthBytes;
        if (controlsLength < 1 || controlsLength > room) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "controls_length", controlsLength, 1, room);
        }
        lengthRead = true;
        dataLength = room - controlsLength;
        data.start(dataLength, rawLength);
    }

    @Override
    public void finish(RawConsumer out) throws IOException {
        if (!lengthRead) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "split block ends inside its controls_length");
        }
        int waiting = advance(out);
        if (waiting != NONE) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "split block ends while its "
                    + (waiting == CONTROLS ? "controls" : "data") + " stream needs more bytes");
        }
        if (pending != 0 || matchLeft != 0) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT,
                    "split block's data stream decodes " + (pending + matchLeft) + " bytes more than its records take");
        }
        if (controls.buffered() != 0 || !controls.finishedOk() || (dataLength > 0 && !data.consumedToEnd())) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT, "split block has unused bytes after its last symbol");
        }
    }

    /**
     * Decodes as far as the input allows: returns the stream whose next step lacks input (the next
     * chunk is that stream's), or {@link #NONE} when the block's records are complete.
     */
    int advance(RawConsumer out) throws IOException {
        while (true) {
            if (state == KIND && produced == rawLength) {
                return NONE;
            }
            if (state == BYTES) {
                if (bytesNeeded == 0) {
                    state = afterBytes;
                } else if (pending >= Math.min(bytesNeeded, ahead)) {
                    emitData(out);
                } else if (matchLeft > 0) {
                    int n = (int) Math.min(matchLeft, ringRoom());
                    data.continueMatch(n, RING_ONLY);
                    matchLeft -= n;
                    pending += n;
                } else if (!ready(data.input(), dataArrived, dataLength)) {
                    return DATA;
                } else {
                    long before = data.window().total();
                    try {
                        matchLeft = data.step(RING_ONLY, ringRoom());
                    } catch (PatchException e) {
                        if (pending > 0) {
                            emitData(out); // the field's bytes decoded before the error first (FORMAT.md 5)
                        }
                        throw e;
                    }
                    pending += (int) (data.window().total() - before);
                }
                continue;
            }
            if (!ready(controls, controlsArrived, controlsLength)) {
                return CONTROLS;
            }
            if (!controlsStarted) {
                controls.init();
                controlsStarted = true;
            }
            control(values.decode(controls, state), out);
        }
    }

    /** Bytes the ring takes before it would overwrite a pending one: at least 1 (pending < ahead). */
    private int ringRoom() {
        return data.window().size() - pending;
    }

    private static boolean ready(RangeDecoder rc, long arrived, long length) {
        return rc.buffered() >= STEP_INPUT || arrived == length;
    }

    /**
     * One control value: written out as the record's byte or uvarint, and the record's next field.
     * A length above 2^31-1 goes on to the records, which refuse it [BAD_VARINT].
     */
    private void control(long v, RawConsumer out) throws IOException {
        switch (state) {
            case KIND -> {
                if (v > 1) {
                    throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "split record kind", v, 0, 1);
                }
                kind = v;
                emitVarint(v, out);
                state = DIFF_LEN;
            }
            case DIFF_LEN -> {
                emitVarint(v, out);
                diffLeft = v;
                if (kind == 0) {
                    bytes(v, EXTRA_LEN);
                } else {
                    state = v == 0 ? EXTRA_LEN : ZERO_RUN;
                }
            }
            case ZERO_RUN -> {
                checkWithin(v, diffLeft);
                emitVarint(v, out);
                diffLeft -= v;
                zeroRun = v;
                state = LITERAL_LEN;
            }
            case LITERAL_LEN -> {
                checkWithin(v, diffLeft);
                if (v == 0 && zeroRun == 0) {
                    throw new PatchException(ErrorCode.CODEC_CORRUPT, "split record's zero_run and literal_len are both 0");
                }
                emitVarint(v, out);
                diffLeft -= v;
                bytes(v, diffLeft > 0 ? ZERO_RUN : EXTRA_LEN);
            }
            case EXTRA_LEN -> {
                emitVarint(v, out);
                bytes(v, SplitControls.SEEK);
            }
            default -> { // SEEK: any zig-zag value; the applier checks where it leads
                emitVarint(v, out);
                state = KIND;
            }
        }
    }

    private void bytes(long count, int next) {
        bytesNeeded = count;
        afterBytes = next;
        state = BYTES;
    }

    private void checkWithin(long v, long left) throws PatchException {
        if (v > left) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "split record's " + FIELD_NAMES[state], v, 0, left);
        }
    }

    private void emitVarint(long v, RawConsumer out) throws IOException {
        int n = 0;
        while (v >= 0x80) {
            varint[n++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        varint[n++] = (byte) v;
        claim(n);
        out.accept(varint, 0, n);
    }

    /** The next of the data bytes the current field needs, from the last packet's bytes in the ring. */
    private void emitData(RawConsumer out) throws IOException {
        int n = (int) Math.min(pending, bytesNeeded);
        claim(n);
        data.window().emitRecent(pending, n, out);
        pending -= n;
        bytesNeeded -= n;
    }

    private void claim(int n) throws PatchException {
        if (n > rawLength - produced) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT,
                    "split block's records run past its raw_length (" + rawLength + " bytes)");
        }
        produced += n;
    }
}
