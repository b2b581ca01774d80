package dev.fwdelta.tool.bsdiff40;

import dev.fwdelta.tool.diff.DeltaRecord;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Applies a BSDIFF40 patch with bspatch's semantics (an old byte outside the old image counts
 * as 0), writing the new image as a stream. BSDIFF40 has no checksum: interop only.
 */
public final class Bsdiff40Applier {
    private Bsdiff40Applier() {}

    /** Returns the new image's size. */
    public static long apply(byte[] old, byte[] patch, OutputStream out, long maxNewSize) throws IOException {
        Bsdiff40Reader reader = new Bsdiff40Reader(patch, maxNewSize);
        long oldPos = 0;
        while (!reader.done()) {
            DeltaRecord r = reader.next();
            byte[] d = r.diff();
            for (int i = 0; i < d.length; i++) {
                long p = oldPos + i;
                if (p >= 0 && p < old.length) {
                    d[i] += old[(int) p];
                }
            }
            out.write(d);
            out.write(r.extra());
            oldPos += d.length + r.seek();
        }
        return reader.newSize();
    }
}
