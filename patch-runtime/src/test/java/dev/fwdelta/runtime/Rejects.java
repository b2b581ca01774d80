// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import java.io.ByteArrayOutputStream;

/** Assertions that a patch is refused with one specific error. */
final class Rejects {
    private Rejects() {}

    /** Refused with {@code code}, fed whole and one byte at a time; returns bytes written before. */
    static int rejects(ErrorCode code, byte[] old, byte[] patch) {
        int written = -1;
        for (int chunk : new int[] {patch.length + 1, 1}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PatchException e = assertThrows(PatchException.class,
                    () -> Apply.apply(old, patch, chunk, Apply.NO_LIMIT, out));
            assertEquals(code, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith(code.name() + " (" + code.number() + "): "), e.getMessage());
            written = out.size();
        }
        return written;
    }

    static int rejects(ErrorCode code, TestPatch t) {
        return rejects(code, t.old, t.build());
    }

    /** Refused before the first byte of the new image was written. */
    static void rejectsBeforeWriting(ErrorCode code, TestPatch t) {
        assertEquals(0, rejects(code, t), "bytes were written before " + code + " was detected");
    }
}
