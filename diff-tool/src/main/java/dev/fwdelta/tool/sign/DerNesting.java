// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

/**
 * A bound on how deeply the ASN.1 encodings of a key file nest, checked before Bouncy Castle parses
 * them: its parser recurses once per level, so a small file of nested SEQUENCE headers exhausts
 * the thread's stack (a StackOverflowError, not an exception the caller can report). The walk here
 * reads only tag and length headers, in a loop over an array as deep as the bound.
 */
final class DerNesting {
    private DerNesting() {}

    private static final int TAG_NUMBER_MASK = 0x1F;
    private static final int CONSTRUCTED = 0x20;
    private static final int INDEFINITE_LENGTH = 0x80;
    private static final int LONG_LENGTH_MASK = 0x7F;
    /** Longer length fields are refused by the parser: no file we read is that long. */
    private static final int MAX_LENGTH_BYTES = 4;

    /**
     * Refuses {@code der} if its encodings nest deeper than {@code maxDepth} (a top-level SEQUENCE
     * is level 1). Indefinite lengths (BER, which the parser accepts) are followed to their
     * end-of-contents octets. The walk stops quietly at the first header that is not well formed:
     * the parser reads in the same order and refuses the file there, before going any deeper.
     */
    static void requireDepthAtMost(byte[] der, int maxDepth) {
        // Per open level: where its contents must end, and whether an end-of-contents octet pair ends it.
        int[] limit = new int[maxDepth + 1];
        boolean[] indefinite = new boolean[maxDepth + 1];
        limit[0] = der.length;
        int depth = 0;
        int at = 0;
        while (true) {
            while (depth > 0 && !indefinite[depth] && at == limit[depth]) {
                depth--;
            }
            if (at == limit[depth]) {
                return; // the end of the input, or a level the input ends inside of
            }
            int headerAt = at;
            int tag = der[at++] & 0xFF;
            if ((tag & TAG_NUMBER_MASK) == TAG_NUMBER_MASK) {
                // A high tag number: base-128 digits, the last one without its top bit.
                while (at < limit[depth] && (der[at] & 0x80) != 0) {
                    at++;
                }
                at++;
            }
            if (at >= limit[depth]) {
                return;
            }
            int first = der[at++] & 0xFF;
            boolean constructed = (tag & CONSTRUCTED) != 0;
            if (first == INDEFINITE_LENGTH) {
                if (!constructed) {
                    return;
                }
                requireRoom(depth, maxDepth, headerAt);
                depth++;
                limit[depth] = limit[depth - 1];
                indefinite[depth] = true;
                continue;
            }
            long length = first;
            if (first > INDEFINITE_LENGTH) {
                int n = first & LONG_LENGTH_MASK;
                if (n > MAX_LENGTH_BYTES || n > limit[depth] - at) {
                    return;
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = length << 8 | (der[at++] & 0xFF);
                }
            }
            if (length > limit[depth] - at) {
                return;
            }
            if (tag == 0 && length == 0) {
                if (!indefinite[depth]) {
                    return; // end-of-contents outside an indefinite length: not well formed
                }
                depth--;
            } else if (constructed) {
                requireRoom(depth, maxDepth, headerAt);
                depth++;
                limit[depth] = at + (int) length;
                indefinite[depth] = false;
            } else {
                at += (int) length;
            }
        }
    }

    private static void requireRoom(int depth, int maxDepth, int headerAt) {
        if (depth == maxDepth) {
            throw new IllegalArgumentException("its DER nests deeper than " + maxDepth + " levels (at byte "
                    + headerAt + "); a key nests 1.." + maxDepth);
        }
    }
}
