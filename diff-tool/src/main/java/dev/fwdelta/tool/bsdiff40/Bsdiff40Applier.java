// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Applies a BSDIFF40 patch with bspatch's semantics (a diff byte past the old image's end adds
 * to 0), streaming: the new image goes to {@code out} in chunks of {@link #CHUNK} bytes and is
 * never held whole, and the old image is read by random access. BSDIFF40 has no checksum: interop
 * only.
 */
public final class Bsdiff40Applier {
    /** Bytes moved per step; with the reader's decoders, the whole of the applier's memory. */
    public static final int CHUNK = 64 * 1024;

    private Bsdiff40Applier() {}

    /**
     * Writes the new image to {@code out} (not closed) and returns its size; on an exception what
     * was written is not a usable image. The reader must have
     * been opened with {@code old}'s size, so that its seek checks are this image's bounds.
     */
    public static long apply(Bsdiff40Reader patch, OldImage old, OutputStream out) throws IOException {
        if (patch.oldSize() != old.size()) {
            throw new IllegalArgumentException("reader checks seeks against an old image of " + patch.oldSize()
                    + " bytes, this one has " + old.size());
        }
        byte[] data = new byte[CHUNK];
        byte[] oldBytes = new byte[CHUNK];
        long written = 0;
        while (!patch.done()) {
            Bsdiff40Record r = patch.next();
            long oldPos = r.oldOffset();
            for (long left = r.diffLength(); left > 0; ) {
                int n = (int) Math.min(CHUNK, left);
                patch.readDiff(data, 0, n);
                int inOld = (int) Math.max(0, Math.min(n, old.size() - oldPos));
                old.read(oldPos, oldBytes, 0, inOld);
                for (int i = 0; i < inOld; i++) {
                    data[i] += oldBytes[i];
                }
                out.write(data, 0, n);
                oldPos += n;
                left -= n;
            }
            for (long left = r.extraLength(); left > 0; ) {
                int n = (int) Math.min(CHUNK, left);
                patch.readExtra(data, 0, n);
                out.write(data, 0, n);
                left -= n;
            }
            written += r.diffLength() + r.extraLength();
        }
        patch.finish();
        return written;
    }
}
