// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.codec;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Codec "lzma": raw LZMA (no header, no end marker), one stream per block, pushed in chunks.
 *
 * <p>A packet (literal or match) never needs more than 20 input bytes, so the decoder runs a
 * packet only while at least that much look-ahead is buffered, or when the block's last byte
 * is already in: the pull-style algorithm then never runs dry, and no thread or whole-block
 * buffer is needed. Memory: the dictionary ring, the probability tables, 64 bytes of input.
 */
final class LzmaBlockDecoder implements BlockDecoder {
    private static final int MAX_PACKET_INPUT = 20;
    private static final int STATES = 12;
    private static final int POS_STATES_MAX = 16;
    private static final int END_POS_MODEL = 14;
    private static final int FULL_DISTANCES = 128;
    private static final int MATCH_MIN = 2;

    // Probability table layout: one array, named offsets (1846 + 768 << (lc + lp) entries).
    private static final int IS_MATCH = 0;
    private static final int IS_REP = IS_MATCH + STATES * POS_STATES_MAX;
    private static final int IS_REP_G0 = IS_REP + STATES;
    private static final int IS_REP_G1 = IS_REP_G0 + STATES;
    private static final int IS_REP_G2 = IS_REP_G1 + STATES;
    private static final int IS_REP0_LONG = IS_REP_G2 + STATES;
    private static final int POS_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX;
    private static final int SPEC_POS = POS_SLOT + 4 * 64;
    private static final int ALIGN = SPEC_POS + FULL_DISTANCES - END_POS_MODEL;
    private static final int LEN = ALIGN + 16;
    private static final int REP_LEN = LEN + LengthDecoder.PROBS;
    private static final int LITERAL = REP_LEN + LengthDecoder.PROBS;

    private final int lc;
    private final int lp;
    private final int pbMask;
    private final short[] probs;
    private final HistoryWindow dict;
    private final RangeDecoder rc = new RangeDecoder();

    private long encodedLeft;
    private long rawLength;
    private boolean started;
    private int state;
    private int rep0;
    private int rep1;
    private int rep2;
    private int rep3;

    LzmaBlockDecoder(int dictSize, int props) {
        this.lc = props % 9;
        this.lp = (props / 9) % 5;
        this.pbMask = (1 << (props / 45)) - 1;
        this.probs = new short[LITERAL + (0x300 << (lc + lp))];
        this.dict = new HistoryWindow(dictSize);
    }

    @Override
    public void start(long encodedLength, long rawLength) {
        this.encodedLeft = encodedLength;
        this.rawLength = rawLength;
        Arrays.fill(probs, (short) (RangeDecoder.BIT_MODEL_TOTAL / 2));
        dict.reset();
        rc.reset();
        started = false;
        state = 0;
        rep0 = rep1 = rep2 = rep3 = 0;
    }

    @Override
    public void feed(byte[] b, int off, int len, RawConsumer out) throws IOException {
        try {
            while (len > 0) {
                int n = rc.fill(b, off, len);
                if (n == 0) {
                    throw new PatchException(ErrorCode.CODEC_CORRUPT,
                            "lzma block has data after its last symbol (" + rawLength + " raw bytes decoded)");
                }
                off += n;
                len -= n;
                encodedLeft -= n;
                decodeBuffered(out);
            }
        } catch (PatchException e) {
            throw dict.flushBefore(e, out);
        }
        dict.flush(out);
    }

    private void decodeBuffered(RawConsumer out) throws IOException {
        boolean lastInputIn = encodedLeft == 0;
        if (!started) {
            if (rc.buffered() < 5 && !lastInputIn) {
                return;
            }
            rc.init();
            started = true;
        }
        while (dict.total() < rawLength && (rc.buffered() >= MAX_PACKET_INPUT || lastInputIn)) {
            decodePacket(out, Long.MAX_VALUE);
        }
    }

    /**
     * One packet, of which at most {@code room} bytes are written to the dictionary: returns the
     * bytes of its match left for {@link #continueMatch}.
     */
    private long decodePacket(RawConsumer out, long room) throws IOException {
        int posState = (int) dict.total() & pbMask;
        if (rc.bit(probs, IS_MATCH + (state << 4) + posState) == 0) {
            decodeLiteral(out);
            return 0;
        }
        int length;
        if (rc.bit(probs, IS_REP + state) == 0) {
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            length = LengthDecoder.decode(rc, probs, LEN, posState);
            state = state < 7 ? 7 : 10;
            rep0 = decodeDistance(length);
        } else {
            checkReach(0);
            if (rc.bit(probs, IS_REP_G0 + state) == 0) {
                if (rc.bit(probs, IS_REP0_LONG + (state << 4) + posState) == 0) {
                    state = state < 7 ? 9 : 11;
                    dict.put(dict.back(rep0), out);
                    return 0;
                }
            } else {
                int distance;
                if (rc.bit(probs, IS_REP_G1 + state) == 0) {
                    distance = rep1;
                } else {
                    if (rc.bit(probs, IS_REP_G2 + state) == 0) {
                        distance = rep2;
                    } else {
                        distance = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = distance;
            }
            length = LengthDecoder.decode(rc, probs, REP_LEN, posState);
            state = state < 7 ? 8 : 11;
        }
        checkReach(rep0);
        long count = length + MATCH_MIN;
        if (count > rawLength - dict.total()) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "lzma match length", count, MATCH_MIN,
                    rawLength - dict.total());
        }
        long now = Math.min(count, room);
        dict.copy(rep0, now, out);
        return count - now;
    }

    /** {@code n} more bytes of the match {@link #step} left unfinished (its distance was checked). */
    void continueMatch(long n, RawConsumer sink) throws IOException {
        dict.copy(rep0, n, sink);
    }

    /** A match distance must stay inside this block's output and the dictionary. */
    private void checkReach(int distance) throws PatchException {
        long reach = Math.min(dict.total(), dict.size());
        if (Integer.toUnsignedLong(distance) >= reach) {
            throw PatchException.outOfRange(ErrorCode.CODEC_CORRUPT, "lzma match distance",
                    Integer.toUnsignedLong(distance) + 1, 1, reach);
        }
    }

    private void decodeLiteral(RawConsumer out) throws IOException {
        int previous = dict.total() > 0 ? dict.back(0) & 0xFF : 0;
        int litState = (((int) dict.total() & ((1 << lp) - 1)) << lc) + (previous >>> (8 - lc));
        int base = LITERAL + 0x300 * litState;
        int symbol = 1;
        if (state >= 7) {
            int matchByte = dict.back(rep0) & 0xFF;
            do {
                int matchBit = (matchByte >>> 7) & 1;
                matchByte <<= 1;
                int bit = rc.bit(probs, base + ((1 + matchBit) << 8) + symbol);
                symbol = (symbol << 1) | bit;
                if (matchBit != bit) {
                    break;
                }
            } while (symbol < 0x100);
        }
        while (symbol < 0x100) {
            symbol = (symbol << 1) | rc.bit(probs, base + symbol);
        }
        dict.put((byte) symbol, out);
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
    }

    private int decodeDistance(int length) throws PatchException {
        int lenState = Math.min(length, 3);
        int slot = rc.tree(probs, POS_SLOT + (lenState << 6), 6);
        if (slot < 4) {
            return slot;
        }
        int directBits = (slot >>> 1) - 1;
        int distance = (2 | (slot & 1)) << directBits;
        if (slot < END_POS_MODEL) {
            return distance + rc.reverseTree(probs, SPEC_POS + distance - slot - 1, directBits);
        }
        distance += rc.directBits(directBits - 4) << 4;
        return distance + rc.reverseTree(probs, ALIGN - 1, 4);
    }

    /** The stream's input buffer, for codec split, which routes the data stream's bytes to it. */
    RangeDecoder input() {
        return rc;
    }

    /** The dictionary, where codec split finds the bytes of the last packet. */
    HistoryWindow window() {
        return dict;
    }

    /**
     * One packet for codec split, at most {@code room} of its bytes written to the dictionary (and
     * to {@code sink} as the ring wraps): returns the bytes of its match still to be copied, which
     * codec split takes with {@link #continueMatch} once the ones before them went out (a match of
     * 273 bytes does not fit a ring of 256). The caller checked that the packet's input is buffered.
     */
    long step(RawConsumer sink, long room) throws IOException {
        if (!started) {
            rc.init();
            started = true;
        }
        return decodePacket(sink, room);
    }

    /** Whether every byte of the stream was read and it ended as an encoder ends one. */
    boolean consumedToEnd() {
        return rc.buffered() == 0 && rc.finishedOk();
    }

    @Override
    public void finish(RawConsumer out) throws IOException {
        try {
            decodeBuffered(out);
        } catch (PatchException e) {
            throw dict.flushBefore(e, out);
        }
        dict.flush(out);
        if (dict.total() != rawLength) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT,
                    "lzma block decoded " + dict.total() + " of " + rawLength + " raw bytes");
        }
        if (rc.buffered() != 0 || !rc.finishedOk()) {
            throw new PatchException(ErrorCode.CODEC_CORRUPT,
                    "lzma block has " + rc.buffered() + " unused bytes after its last symbol");
        }
    }

    /** Match-length coder: choice bits, then a 3-bit low/mid or 8-bit high tree. */
    private static final class LengthDecoder {
        static final int CHOICE = 0;
        static final int CHOICE2 = 1;
        static final int LOW = 2;
        static final int MID = LOW + (POS_STATES_MAX << 3);
        static final int HIGH = MID + (POS_STATES_MAX << 3);
        static final int PROBS = HIGH + 256;

        static int decode(RangeDecoder rc, short[] probs, int base, int posState) throws PatchException {
            if (rc.bit(probs, base + CHOICE) == 0) {
                return rc.tree(probs, base + LOW + (posState << 3) - 1, 3);
            }
            if (rc.bit(probs, base + CHOICE2) == 0) {
                return 8 + rc.tree(probs, base + MID + (posState << 3) - 1, 3);
            }
            return 16 + rc.tree(probs, base + HIGH - 1, 8);
        }
    }
}
