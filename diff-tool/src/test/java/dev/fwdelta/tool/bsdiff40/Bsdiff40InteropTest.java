// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.bsdiff40;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.Tools;
import dev.fwdelta.tool.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** BSDIFF40 both ways with Debian's real bsdiff and bspatch (installed by .ci/run). */
class Bsdiff40InteropTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"programmer", "shell", "pyb-small"})
    void debianBspatchAppliesOurPatch(String name) throws Exception {
        Corpus.Pair pair = Corpus.pair(name);
        Path patch = dir.resolve("p.bsdiff");
        Path out = dir.resolve("new.bin");
        assertEquals(0, Main.commandLine().execute("diff", pair.oldPath().toString(), pair.newPath().toString(),
                "-o", patch.toString(), "--format", "bsdiff40"));
        Tools.run("bspatch", pair.oldPath().toString(), out.toString(), patch.toString());
        assertArrayEquals(pair.newBytes(), Files.readAllBytes(out));
    }

    /** Also the checks Debian's bspatch does not make (seeks inside the old image, blocks ending with the image). */
    @ParameterizedTest
    @ValueSource(strings = {"programmer", "shell", "pyb-small", "pyb-release", "synth-1-3", "esp8266"})
    void weApplyDebianBsdiffsPatch(String name) throws Exception {
        Corpus.Pair pair = Corpus.pair(name);
        Path patch = dir.resolve("p.bsdiff");
        Path out = dir.resolve("new.bin");
        Tools.run("bsdiff", pair.oldPath().toString(), pair.newPath().toString(), patch.toString());
        assertEquals(0, Main.commandLine().execute("apply", pair.oldPath().toString(), patch.toString(),
                "-o", out.toString()));
        assertArrayEquals(pair.newBytes(), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"programmer", "synth-1-2"})
    void weApplyOurOwnBsdiff40Patch(String name) throws Exception {
        Corpus.Pair pair = Corpus.pair(name);
        Path patch = dir.resolve("p.bsdiff");
        Path out = dir.resolve("new.bin");
        assertEquals(0, Main.commandLine().execute("diff", pair.oldPath().toString(), pair.newPath().toString(),
                "-o", patch.toString(), "--format", "bsdiff40"));
        assertEquals(0, Main.commandLine().execute("apply", pair.oldPath().toString(), patch.toString(),
                "-o", out.toString()));
        assertArrayEquals(pair.newBytes(), Files.readAllBytes(out));
    }

    @Test
    void truncatedBsdiffPatchIsABadPatch() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path patch = dir.resolve("p.bsdiff");
        Tools.run("bsdiff", pair.oldPath().toString(), pair.newPath().toString(), patch.toString());
        byte[] p = Files.readAllBytes(patch);
        Files.write(patch, Arrays.copyOf(p, p.length - 40));
        Path out = dir.resolve("new.bin");
        assertEquals(3, Main.commandLine().execute("apply", pair.oldPath().toString(), patch.toString(),
                "-o", out.toString()));
        assertEquals(false, Files.exists(out));
    }

    @Test
    void headerLengthsAreChecked() {
        byte[] p = new byte[40];
        System.arraycopy("BSDIFF40".getBytes(), 0, p, 0, 8);
        p[8] = 100; // control block longer than the patch
        BadBsdiffPatchException e = assertThrows(BadBsdiffPatchException.class, () -> new Bsdiff40Reader(new SeekableInMemoryByteChannel(p), 0, 1000));
        assertEquals("bad value for BSDIFF40 control block length: 100 (valid range 0..8)", e.getMessage());
    }
}
