// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

/** The payload codecs and the decoder memory each one needs (FORMAT.md 2.1, 4). */
public enum Codec {
    NONE(0, "none"),
    LZ77(1, "lz77"),
    LZMA(2, "lzma"),
    /** Records split into controls (an adaptive range coder per field) and data (raw LZMA); format 3 only. */
    SPLIT(3, "split");

    /** LZMA probability counts: fixed part, and per literal coder (times 2^(lc+lp)). */
    private static final int LZMA_FIXED_PROBS = 1846;
    private static final int LZMA_LITERAL_PROBS = 0x300;
    /** Input look-ahead of the LZMA decoder: one packet never needs more than 20 bytes. */
    public static final int LZMA_INPUT_BUFFER = 64;
    /** Probabilities of codec split's control coder: 6 fields of 174 (FORMAT.md 2.4). */
    public static final int SPLIT_CONTROL_PROBS = SplitControls.FIELDS * SplitControls.PROBS_PER_FIELD;
    /** Codec split's own state: the control stream's 64-byte input buffer, its range coder, the record fields. */
    public static final int SPLIT_STATE = 160;

    private final int id;
    private final String label;

    Codec(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public static Codec byId(int id) throws PatchException {
        for (Codec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw PatchException.outOfRange(ErrorCode.BAD_CODEC, "codec_id", id, 0, 3);
    }

    public static Codec byLabel(String label) {
        for (Codec c : values()) {
            if (c.label.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + label + "' (none, lz77, lzma, split)");
    }

    /** Bytes the codec itself needs while decoding (window and tables), per FORMAT.md 2.1. */
    public long codecRam(int window, int props) {
        return switch (this) {
            case NONE -> 0;
            case LZ77 -> window;
            case LZMA -> lzmaRam(window, props);
            // the data stream's LZMA decoder, the control coder's probabilities, the split state
            case SPLIT -> lzmaRam(window, props) + 2L * SPLIT_CONTROL_PROBS + SPLIT_STATE;
        };
    }

    private static long lzmaRam(int window, int props) {
        int lc = props % 9;
        int lp = (props / 9) % 5;
        return (long) window + 2L * (LZMA_FIXED_PROBS + ((long) LZMA_LITERAL_PROBS << (lc + lp))) + LZMA_INPUT_BUFFER;
    }

    /** The decoder_ram field value for these parameters (FORMAT.md 4). */
    public long decoderRam(int window, int props) {
        return Limits.APPLIER_BASE_RAM + codecRam(window, props);
    }

    /** Largest encoding of {@code raw} bytes this codec may produce (FORMAT.md 2). */
    public long encodedBound(long raw) {
        return switch (this) {
            case NONE -> raw;
            case LZ77 -> raw + raw / 255 + 16;
            case LZMA -> raw + raw / 2 + 64;
            // a control value can cost up to about six bits per coded bit when it is improbable
            case SPLIT -> 8 * raw + 128;
        };
    }

    /** lzma codec_props byte from lc, lp, pb. */
    public static int lzmaProps(int lc, int lp, int pb) {
        return (pb * 5 + lp) * 9 + lc;
    }
}
