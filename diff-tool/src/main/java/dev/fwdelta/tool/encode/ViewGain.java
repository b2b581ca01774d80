package dev.fwdelta.tool.encode;

import java.util.Arrays;

/**
 * How much better a relocated view predicts the new image than the old image does, measured on
 * the plain diff's own alignment: bytes of the diff runs the view gets right, minus those the old
 * image got right. A cheap screen before a view is worth diffing again.
 */
final class ViewGain {
    private ViewGain() {}

    static long of(byte[] oldImage, byte[] view, byte[] newImage, DiffRuns runs) {
        return runs.scan(new long[1], (gain, oldPos, newPos, len) -> {
            int shift = (int) (newPos - oldPos);
            int end = (int) oldPos + len;
            // Only where the view differs from the old image can it gain or lose: a view re-aims
            // a few bytes here and there, so skip to each difference (a vectorized compare).
            for (int o = (int) oldPos; o < end; o++) {
                int equal = Arrays.mismatch(view, o, end, oldImage, o, end);
                if (equal < 0) {
                    break;
                }
                o += equal;
                byte n = newImage[o + shift];
                gain[0] += (view[o] == n ? 1 : 0) - (oldImage[o] == n ? 1 : 0);
            }
        })[0];
    }
}
