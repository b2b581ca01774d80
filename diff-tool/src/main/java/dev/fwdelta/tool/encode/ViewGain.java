package dev.fwdelta.tool.encode;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.util.List;

/**
 * How much better a relocated view predicts the new image than the old image does, measured on
 * the plain diff's own alignment: bytes of the diff runs the view gets right, minus those the old
 * image got right. A cheap screen before a view is worth diffing again.
 */
final class ViewGain {
    private ViewGain() {}

    static long of(byte[] oldImage, byte[] view, byte[] newImage, List<DeltaRecord> records) {
        long gain = 0;
        long oldPos = 0;
        long newPos = 0;
        for (DeltaRecord r : records) {
            int len = r.diff().length;
            for (int i = 0; i < len; i++) {
                byte n = newImage[(int) newPos + i];
                int o = (int) oldPos + i;
                if (view[o] != oldImage[o]) {
                    gain += (view[o] == n ? 1 : 0) - (oldImage[o] == n ? 1 : 0);
                }
            }
            newPos += len + r.extra().length;
            oldPos += len + r.seek();
        }
        return gain;
    }
}
