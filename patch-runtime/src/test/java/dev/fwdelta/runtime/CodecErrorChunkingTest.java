// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A corrupt lz77, lzma or split block gives one error code whatever the chunks the patch arrives
 * in (FORMAT.md 5): the bytes decoded before a codec error reach the records first, so a record
 * error in them wins over the codec error at every chunk size, not only when a chunk ended
 * between them.
 */
class CodecErrorChunkingTest {
    private static final int[] CHUNKS = {1, 7, 512};

    @Test
    void everyMutantGivesTheSameCodeAtEveryChunkSize() throws Exception {
        List<String> differing = new ArrayList<>();
        int codecErrors = 0;
        int recordErrors = 0;
        List<CodecMutants.Mutant> mutants = CodecMutants.all();
        for (CodecMutants.Mutant m : mutants) {
            int whole = CodecMutants.javaCode(m.old(), m.patch(), m.patch().length);
            codecErrors += whole == 23 ? 1 : 0;
            recordErrors += whole >= 24 && whole <= 28 ? 1 : 0;
            for (int chunk : CHUNKS) {
                int code = CodecMutants.javaCode(m.old(), m.patch(), chunk);
                if (code != whole) {
                    differing.add(m.name() + ": whole " + whole + ", chunk " + chunk + " " + code);
                }
            }
        }
        assertTrue(codecErrors > 100 && recordErrors > 20,
                "the mutants include codec and record errors: " + codecErrors + ", " + recordErrors);
        assertEquals(List.of(), differing, differing.size() + " of " + mutants.size() + " mutants");
    }
}
