// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.CodecMutants;
import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.TestPatch;
import dev.fwdelta.runtime.format.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt lz77, lzma and split blocks ({@link CodecMutants}: small patches with one payload byte
 * changed) applied by the C tool at --chunk 1 and 4096 and by the Java runtime: the same error
 * code (FORMAT.md 5: the bytes decoded before a codec error reach the records first, whatever the
 * chunks). A seeded sample, to keep the test short (each C apply is a process): per patch, mutants
 * Java refuses with a record error (24..28), where a codec error further on could hide it, and a
 * few of the rest.
 */
class CodecErrorDifferentialTest {
    private static final int[] CHUNKS = {1, 4096};
    private static final int RECORD_ERRORS_PER_PATCH = 3;
    private static final int OTHERS = 6;

    @TempDir
    Path dir;

    @Test
    void cAndJavaGiveTheSameCodeAtEveryChunkSize() throws Exception {
        CApplyTool c = new CApplyTool(dir);
        Map<String, List<CodecMutants.Mutant>> recordErrors = new LinkedHashMap<>();
        List<CodecMutants.Mutant> others = new ArrayList<>();
        for (CodecMutants.Mutant m : CodecMutants.all()) {
            int code = CodecMutants.javaCode(m.old(), m.patch(), m.patch().length);
            if (code >= 24 && code <= 28) {
                recordErrors.computeIfAbsent(m.vector(), k -> new ArrayList<>()).add(m);
            } else {
                others.add(m);
            }
        }
        assertEquals(CodecMutants.bases().keySet(), recordErrors.keySet(), "every patch has mutants with record errors");
        Random random = new Random(20261206);
        List<CodecMutants.Mutant> run = new ArrayList<>();
        for (List<CodecMutants.Mutant> ofPatch : recordErrors.values()) {
            for (int i = 0; i < RECORD_ERRORS_PER_PATCH; i++) {
                run.add(ofPatch.get(random.nextInt(ofPatch.size())));
            }
        }
        for (int i = 0; i < OTHERS; i++) {
            run.add(others.get(random.nextInt(others.size())));
        }
        List<String> mismatches = new ArrayList<>();
        for (CodecMutants.Mutant m : run) {
            for (int chunk : CHUNKS) {
                int java = CodecMutants.javaCode(m.old(), m.patch(), chunk);
                Outcome cPort = c.apply(m.old(), m.patch(), chunk);
                if (cPort.errorCode() != java) {
                    mismatches.add(m.name() + " chunk " + chunk + ": Java " + java + ", C " + cPort.errorCode());
                }
            }
        }
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + CHUNKS.length * run.size() + " applies");
    }

    /**
     * A window below 4096 (FORMAT.md 2.1): lzma and split data whose match reaches 600 bytes back
     * in a block whose window is 512 ({@link GoldenVectors#beyondSmallWindow}) are CODEC_CORRUPT in
     * both runtimes, and the C tool leaves no image; with a window of 1024 both apply them.
     */
    @Test
    void aMatchBeyondASmallWindowIsCorruptInBoth() throws Exception {
        CApplyTool c = new CApplyTool(dir);
        for (int codec : new int[] {2, 3}) {
            TestPatch t = GoldenVectors.beyondSmallWindow(codec);
            TestPatch wide = GoldenVectors.beyondSmallWindow(codec);
            wide.codecWindow = 1024;
            for (int chunk : CHUNKS) {
                Outcome java = JavaApply.apply(t.old, t.build(), chunk);
                Outcome cPort = c.apply(t.old, t.build(), chunk);
                assertEquals(ErrorCode.CODEC_CORRUPT.number(), java.errorCode(), "codec " + codec + ": " + java);
                assertTrue(java.sameAs(cPort), "codec " + codec + " chunk " + chunk + ": Java " + java + ", C " + cPort);
                Outcome fits = c.apply(wide.old, wide.build(), chunk);
                assertArrayEquals(wide.newImage(), fits.image(), "codec " + codec + ", window 1024: " + fits);
            }
        }
    }
}
