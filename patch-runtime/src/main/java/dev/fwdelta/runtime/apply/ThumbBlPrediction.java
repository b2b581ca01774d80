package dev.fwdelta.runtime.apply;

/**
 * Predicts the new bytes of a diff run (docs/FORMAT.md 2.3): a Thumb BL (halfword aligned,
 * {@code F0xx F8xx}: 11110 S imm10, 11 1 1 1 imm11, a 22-bit halfword offset) that lies wholly in
 * the run is re-aimed at where the relocation map says its old target went; every other byte is
 * predicted as the old byte. The patch's diff bytes are new minus prediction. Adjacent BL
 * patterns cannot overlap (a BL's second halfword starts F8, never F0), so each position is
 * decided on its own 4 old bytes, which makes chunked and random-access use exact.
 */
public final class ThumbBlPrediction {
    private ThumbBlPrediction() {}

    /**
     * Fills {@code pred[predOff .. predOff + len)} with the prediction of old offsets
     * {@code [from, from + len)}, which lie in the diff run {@code [runStart, runEnd)} whose first
     * byte goes to new offset {@code runNew}. {@code window} holds old bytes from old offset
     * {@code windowStart}, covering {@code [max(runStart, from - 2), min(runEnd, from + len + 2))}.
     */
    public static void predict(RelocationMap map, byte[] window, long windowStart, long runStart, long runEnd,
                               long runNew, long from, int len, byte[] pred, int predOff) {
        for (int i = 0; i < len; i++) {
            pred[predOff + i] = window[(int) (from + i - windowStart)];
        }
        long first = Math.max(runStart, (from - 2)) & ~1L;
        for (long q = first; q < from + len && q + 4 <= runEnd; q += 2) {
            if (q < runStart) {
                continue;
            }
            int w = (int) (q - windowStart);
            if ((window[w + 1] & 0xF8) != 0xF0 || (window[w + 3] & 0xF8) != 0xF8) {
                continue;
            }
            int field = ((window[w + 1] & 7) << 19) | ((window[w] & 0xFF) << 11) | ((window[w + 3] & 7) << 8)
                    | (window[w + 2] & 0xFF);
            long target = q + 4 + ((field << 10) >> 9);
            long moved = map.map(target);
            if (moved < 0) {
                continue;
            }
            long offset = (moved - (runNew + (q - runStart) + 4)) >> 1;
            byte[] bl = {(byte) (offset >> 11), (byte) (0xF0 | ((offset >> 19) & 7)), (byte) offset,
                (byte) (0xF8 | ((offset >> 8) & 7))};
            for (int k = 0; k < 4; k++) {
                long at = q + k;
                if (at >= from && at < from + len) {
                    pred[predOff + (int) (at - from)] = bl[k];
                }
            }
        }
    }
}
