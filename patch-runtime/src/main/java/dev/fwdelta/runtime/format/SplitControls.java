// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.format;

/**
 * Codec split's control values (FORMAT.md 2.4): the record fields they are, and where each
 * field's model keeps its probabilities. The decoder and the builder's encoder both read them here.
 */
public final class SplitControls {
    private SplitControls() {}

    /** The fields, in a record's order; each has its own model. */
    public static final int KIND = 0;
    public static final int DIFF_LEN = 1;
    public static final int ZERO_RUN = 2;
    public static final int LITERAL_LEN = 3;
    public static final int EXTRA_LEN = 4;
    public static final int SEEK = 5;
    public static final int FIELDS = 6;

    /** A field's model, by offset: the bit length's choice bits and trees (as LZMA's match length). */
    public static final int CHOICE = 0;
    public static final int CHOICE2 = 1;
    /** 3-bit tree of bit lengths 0..7. */
    public static final int LOW = 2;
    /** 3-bit tree of bit lengths 8..15. */
    public static final int MID = 10;
    /** 5-bit tree of bit lengths 16..47 (above 32 is corrupt). */
    public static final int HIGH = 18;
    /** The trees of the bits below the top bit, 4 probabilities per bit length 2..32. */
    public static final int BELOW_TOP = 50;
    /** How many bits below the top bit are modelled; the rest are direct bits. */
    public static final int BELOW_TOP_BITS = 2;
    public static final int PROBS_PER_FIELD = BELOW_TOP + (1 << BELOW_TOP_BITS) * 31;
    public static final int MAX_BIT_LENGTH = 32;
}
