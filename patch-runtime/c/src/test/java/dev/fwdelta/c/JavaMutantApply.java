// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Java runtime's answer to a mutant, as the C tool's --batch gives it: chunks passed as copies
 * of exactly their size (a read past the bytes pushed so far throws), the sink counting and
 * hashing what it is given.
 */
final class JavaMutantApply {
    private JavaMutantApply() {}

    static MutantOutcome apply(byte[] old, byte[] patch, int chunk, UpdatePolicy policy) {
        MessageDigest sha = sha256();
        long[] written = {0};
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), (b, off, len) -> {
            written[0] += len;
            sha.update(b, off, len);
        }, policy);
        int code = 0;
        try {
            for (int off = 0; off < patch.length; off += chunk) {
                byte[] piece = Arrays.copyOfRange(patch, off, Math.min(patch.length, off + chunk));
                a.process(piece, 0, piece.length);
            }
            a.finish();
        } catch (PatchException e) {
            code = e.code().number();
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            return MutantOutcome.crashed(e.toString());
        }
        return new MutantOutcome(code, written[0], HexFormat.of().formatHex(sha.digest()), null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
