// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The search runs on threads (scan segments, the views' suffix arrays and trials, the encodings),
 * as many as the machine has cores; the patch must not depend on how many. A diff in a JVM that
 * sees one core and one that sees four: the same bytes. pyb-small's diff is encoded in full at
 * every step (under 16 KiB), pyb-release's lets its finalists wait for the end of the search.
 */
class CoreCountTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"pyb-small", "pyb-release"})
    void oneCoreAndFourMakeTheSamePatch(String name) throws Exception {
        Corpus.Pair pair = Corpus.pair(name);
        byte[] one = diffSeeing(1, pair);
        byte[] four = diffSeeing(4, pair);
        assertArrayEquals(one, four, name + ": the patch made on 1 core differs from the one made on 4");
    }

    private byte[] diffSeeing(int cores, Corpus.Pair pair) throws Exception {
        Path patch = dir.resolve(pair.name() + "-" + cores + ".fwd");
        ChildCli.Result r = ChildCli.run(List.of("-Xmx1g", "-XX:ActiveProcessorCount=" + cores), "diff",
                pair.oldPath().toString(), pair.newPath().toString(), "-o", patch.toString());
        assertEquals(0, r.exit(), r.err());
        return Files.readAllBytes(patch);
    }
}
