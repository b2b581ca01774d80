// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import dev.fwdelta.runtime.apply.RelocatedOldImage;
import dev.fwdelta.runtime.apply.RelocationMap;
import java.util.Arrays;

/**
 * How much better a relocated view predicts the new image than the old image does, measured on
 * the plain diff's own alignment: bytes of the diff runs the view gets right, minus those the old
 * image got right. A cheap screen before a view is worth diffing again.
 */
final class ViewGain {
    private ViewGain() {}

    static long of(byte[] oldImage, byte[] view, byte[] newImage, DiffRuns runs) {
        return runs.scan(new long[1], (gain, oldPos, newPos, len) ->
                gain[0] += gainWhereChanged(view, (int) oldPos, oldImage, (int) oldPos, newImage, (int) newPos, len))[0];
    }

    /** New-image bytes per sample window of {@link #sampled}. */
    static final int SAMPLE_WINDOW = 16 * 1024;
    /** One sample window in this many is screened. */
    static final int SAMPLE_EVERY = 8;

    /**
     * The gain on a sample: the diff runs' bytes in one new-image window of {@link #SAMPLE_WINDOW}
     * bytes in every {@link #SAMPLE_EVERY}, the view made for those bytes only. A screen ranks
     * views, and a sample ranks them as all the bytes do: on libpython the same four of six maps
     * gain, in the same order (RelocationTest); the two that lose swap places.
     */
    static long sampled(byte[] oldImage, RelocationMap map, byte[] newImage, DiffRuns runs) {
        byte[] view = new byte[SAMPLE_WINDOW];
        return runs.scan(new long[1], (gain, oldPos, newPos, len) -> {
            long end = newPos + len;
            for (long w = newPos / SAMPLE_WINDOW; w * SAMPLE_WINDOW < end; w++) {
                if (w % SAMPLE_EVERY != 0) {
                    continue;
                }
                long from = Math.max(newPos, w * SAMPLE_WINDOW);
                int n = (int) (Math.min(end, (w + 1) * SAMPLE_WINDOW) - from);
                int o = (int) (oldPos + from - newPos);
                RelocatedOldImage.viewOf(oldImage, map, o, n, view, 0);
                gain[0] += gainWhereChanged(view, 0, oldImage, o, newImage, (int) from, n);
            }
        })[0];
    }

    /**
     * Bytes of new[n, n + len) that view[v..] gets right minus those old[o..] gets right. Only
     * where the view differs from the old image can it gain or lose: a view re-aims a few bytes
     * here and there, so skip to each difference (a vectorized compare).
     */
    private static long gainWhereChanged(byte[] view, int v, byte[] old, int o, byte[] neu, int n, int len) {
        long gain = 0;
        for (int i = 0; i < len; i++) {
            int equal = Arrays.mismatch(view, v + i, v + len, old, o + i, o + len);
            if (equal < 0) {
                break;
            }
            i += equal;
            byte b = neu[n + i];
            gain += (view[v + i] == b ? 1 : 0) - (old[o + i] == b ? 1 : 0);
        }
        return gain;
    }
}
