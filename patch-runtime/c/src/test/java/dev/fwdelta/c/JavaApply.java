// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The Java runtime's answer, the reference the C port must match: chunked as the C tool's. */
final class JavaApply {
    private JavaApply() {}

    static Outcome apply(byte[] old, byte[] patch, int chunk) throws IOException {
        return apply(old, patch, chunk, UpdatePolicy.ramOnly(Long.MAX_VALUE));
    }

    /** With a device policy, e.g. a trust store as {@code fwdelta apply --trust} builds it. */
    static Outcome apply(byte[] old, byte[] patch, int chunk, UpdatePolicy policy) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), out::write, policy);
        try {
            for (int off = 0; off < patch.length; off += chunk) {
                a.process(patch, off, Math.min(chunk, patch.length - off));
            }
            a.finish();
            return Outcome.ok(out.toByteArray());
        } catch (PatchException e) {
            return new Outcome(e.code().number(), exitCode(e.code()), null);
        }
    }

    /** The fwdelta CLI's exit code for an apply error (README "Exit codes"). */
    static int exitCode(ErrorCode code) {
        switch (code) {
            case WRONG_BASE_IMAGE:
                return 4;
            case IO_ERROR:
                return 5;
            case SIGNATURE_INVALID:
            case UNKNOWN_KEY:
            case UNSIGNED_PATCH:
            case ROLLBACK:
            case WRONG_HARDWARE:
            case WRONG_LOAD_ADDRESS:
                return 6;
            default:
                return 3;
        }
    }
}
