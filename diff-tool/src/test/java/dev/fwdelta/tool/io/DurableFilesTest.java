// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableFiles} in a process of its own under strace: the order of its fsyncs and rename
 * is what makes the file whole after a power cut, and only the kernel's calls show it.
 */
class DurableFilesTest {
    @TempDir
    Path dir;

    /** Writes its second argument as the file named by its first, with {@link DurableFiles#write}. */
    public static void main(String[] args) throws IOException {
        DurableFiles.write(Path.of(args[0]), args[1].getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aFileIsForcedBeforeItsRenameAndItsDirectoryAfter() throws Exception {
        Path target = Files.writeString(dir.resolve("state"), "old\n");
        Path log = dir.resolve("trace");
        List<String> cmd = new ArrayList<>(SyscallTrace.launcher(log));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                DurableFilesTest.class.getName(), target.toString(), "new\n"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "no exit in 120 s");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertEquals("new\n", Files.readString(target));
        assertFalse(Files.exists(DurableFiles.partOf(target)));
        SyscallTrace.read(log).assertDurablyReplaced(target);
    }

    /** strace pads a process id to five columns: CI's first run of this test met a four-digit one. */
    @Test
    void aTraceIsReadWhateverTheWidthOfItsProcessIds() throws IOException {
        Path target = dir.resolve("state");
        String d = dir.toRealPath().toString();
        List<String> durable = List.of("4017  fsync(4<" + d + "/state.part>) = 0",
                "123456 rename(\"" + d + "/state.part\", \"" + d + "/state\") = 0", "99    fsync(5<" + d + ">) = 0");
        SyscallTrace.of(durable).assertDurablyReplaced(target);
        for (int left = 0; left < 2; left++) {
            List<String> lacking = new ArrayList<>(durable);
            lacking.remove(left == 0 ? 0 : 2);
            assertThrows(AssertionError.class, () -> SyscallTrace.of(lacking).assertDurablyReplaced(target),
                    "a trace without " + durable.get(left == 0 ? 0 : 2));
        }
    }

    @Test
    void aWriteThatFailsLeavesTheFileAsItWas() throws Exception {
        Path target = Files.writeString(dir.resolve("state"), "old\n");
        Files.createDirectory(DurableFiles.partOf(target)); // the bytes cannot be written there
        assertThrows(IOException.class, () -> DurableFiles.write(target, new byte[] {1, 2, 3}));
        assertEquals("old\n", Files.readString(target));
    }
}
