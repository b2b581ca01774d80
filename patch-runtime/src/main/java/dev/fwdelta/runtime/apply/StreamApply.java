// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime.apply;

import dev.fwdelta.runtime.io.ImageSink;
import dev.fwdelta.runtime.io.OldImage;
import java.io.IOException;
import java.io.InputStream;

/** Convenience: drives a {@link PatchApplier} from an InputStream (the caller closes the stream). */
public final class StreamApply {
    /** Chunk size used to read the patch; any size works, this one keeps the buffer small. */
    public static final int CHUNK = 512;

    private StreamApply() {}

    public static ApplyResult apply(InputStream patch, OldImage old, ImageSink sink, long ramBudget)
            throws IOException {
        return apply(patch, old, sink, UpdatePolicy.ramOnly(ramBudget));
    }

    public static ApplyResult apply(InputStream patch, OldImage old, ImageSink sink, UpdatePolicy policy)
            throws IOException {
        PatchApplier applier = new PatchApplier(old, sink, policy);
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = patch.read(chunk)) != -1) {
            applier.process(chunk, 0, n);
        }
        return applier.finish();
    }
}
