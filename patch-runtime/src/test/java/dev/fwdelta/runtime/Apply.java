// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import dev.fwdelta.runtime.apply.ApplyResult;
import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Test helper: applies a patch from memory in chunks of a given size. */
public final class Apply {
    public static final long NO_LIMIT = Long.MAX_VALUE;

    private Apply() {}

    public static byte[] apply(byte[] old, byte[] patch) throws IOException {
        return apply(old, patch, patch.length + 1, NO_LIMIT, new ByteArrayOutputStream());
    }

    public static byte[] apply(byte[] old, byte[] patch, int chunk, long ram, ByteArrayOutputStream out)
            throws IOException {
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), out::write, ram);
        for (int off = 0; off < patch.length; off += chunk) {
            a.process(patch, off, Math.min(chunk, patch.length - off));
        }
        ApplyResult r = a.finish();
        if (r.newSize() != out.size()) {
            throw new AssertionError("result size " + r.newSize() + " but wrote " + out.size());
        }
        return out.toByteArray();
    }
}
