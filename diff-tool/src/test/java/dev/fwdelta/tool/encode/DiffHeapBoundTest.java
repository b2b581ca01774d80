// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.tool.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8's memory bound: diffing the large pair needs at most 8 bytes of heap per input byte
 * (old + new). Checked the only way that cannot flatter it: the command line in a JVM whose heap is
 * capped at exactly that (serial collector, so the cap is the heap and not a collector's region
 * layout), which must still write a patch that applies.
 */
class DiffHeapBoundTest {
    @Test
    void theLargePairDiffsIn8BytesOfHeapPerInputByte(@TempDir Path dir) throws Exception {
        Corpus.Pair pair = Corpus.pair("libpython");
        long limit = 8 * (Files.size(pair.oldPath()) + Files.size(pair.newPath()));
        Path patch = dir.resolve("p.fwd");
        Path log = dir.resolve("log.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-XX:+UseSerialGC", "-Xmx" + limit,
                "-cp", System.getProperty("java.class.path"), "dev.fwdelta.tool.cli.Main",
                "diff", pair.oldPath().toString(), pair.newPath().toString(), "-o", patch.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), () -> "diff with -Xmx" + limit + " failed:\n" + read(log));
        assertArrayEquals(pair.newBytes(), applied(pair.oldBytes(), Files.readAllBytes(patch)));
    }

    private static byte[] applied(byte[] old, byte[] patch) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchApplier a = new PatchApplier(
                new ByteArrayOldImage(old), out::write, BuildOptions.DEFAULT_RAM_BUDGET);
        a.process(patch);
        a.finish();
        return out.toByteArray();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
