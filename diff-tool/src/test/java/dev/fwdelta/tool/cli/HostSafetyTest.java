// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.demo.DemoFirmware;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing lost on the host: outputs never replace inputs, links are written through, stopped runs leave nothing. */
class HostSafetyTest {
    @TempDir
    Path dir;
    private Path oldBin;
    private Path newBin;
    private Path patch;
    private byte[] oldBytes;
    private byte[] newBytes;
    private final CliRunner cli = new CliRunner();

    @BeforeEach
    void images() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(5);
        oldBytes = pair.oldImage();
        newBytes = pair.newImage();
        oldBin = Files.write(dir.resolve("old.bin"), oldBytes);
        newBin = Files.write(dir.resolve("new.bin"), newBytes);
        patch = dir.resolve("update.fwd");
        assertEquals(0, run("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString()), cli.err());
    }

    private int run(String... args) {
        return cli.run(args);
    }

    private void assertRefusedAsInput(int code) {
        assertEquals(ExitCodes.USAGE, code, cli.err());
        assertTrue(cli.err().startsWith("fwdelta: error: the output "), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
    }

    @Test
    void outputsGetTheUsersUmaskNotOwnerOnly() throws Exception {
        // A file created plainly in the same directory carries the JVM's umask: outputs must match it.
        Set<PosixFilePermission> umasked = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        assertEquals(umasked, Files.getPosixFilePermissions(patch), "diff's patch");
        Path applied = dir.resolve("applied.bin");
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", applied.toString()), cli.err());
        assertEquals(umasked, Files.getPosixFilePermissions(applied), "apply's image");
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws Exception {
        byte[] patchBytes = Files.readAllBytes(patch);
        assertRefusedAsInput(run("diff", oldBin.toString(), newBin.toString(), "-o", oldBin.toString()));
        assertRefusedAsInput(run("apply", oldBin.toString(), patch.toString(), "-o", oldBin.toString()));
        assertRefusedAsInput(run("apply", oldBin.toString(), patch.toString(), "-o", patch.toString()));
        Path viaDots = dir.resolve("sub/../old.bin");
        Files.createDirectories(dir.resolve("sub"));
        assertRefusedAsInput(run("apply", oldBin.toString(), patch.toString(), "-o", viaDots.toString()));
        Path symlink = Files.createSymbolicLink(dir.resolve("link.bin"), oldBin);
        assertRefusedAsInput(run("apply", oldBin.toString(), patch.toString(), "-o", symlink.toString()));
        assertTrue(cli.err().contains("through a link"), cli.err());
        Path hardLink = Files.createLink(dir.resolve("hard.bin"), oldBin);
        assertRefusedAsInput(run("apply", oldBin.toString(), patch.toString(), "-o", hardLink.toString()));
        assertRefusedAsInput(run("stm32", "export-dfu", newBin.toString(), "-o", newBin.toString()));
        assertRefusedAsInput(run("device", "simulate", "--layout", "stm32f405-1m", "--old", oldBin.toString(),
                "--patch", patch.toString(), "--flash-file", oldBin.toString()));
        assertArrayEquals(oldBytes, Files.readAllBytes(oldBin));
        assertArrayEquals(patchBytes, Files.readAllBytes(patch));
        assertArrayEquals(newBytes, Files.readAllBytes(newBin));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")));
        }
    }

    @Test
    void aSymlinkedOutputIsWrittenThroughAndStaysALink() throws Exception {
        Files.createDirectories(dir.resolve("releases"));
        Path target = dir.resolve("releases/current.bin");
        Path link = Files.createSymbolicLink(dir.resolve("current.bin"), Path.of("releases/current.bin"));
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", link.toString()), cli.err());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertArrayEquals(newBytes, Files.readAllBytes(target), "a dangling link's target is created");
        Files.write(target, new byte[] {1, 2, 3});
        assertEquals(0, run("apply", oldBin.toString(), patch.toString(), "-o", link.toString()), cli.err());
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(newBytes, Files.readAllBytes(target), "an existing target is replaced");
    }

    /** A child JVM, with this test's class path, running {@code mainClass}. */
    private static ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(mainClass.split(" ")));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    @Test
    void sigtermAndSigintRemoveTheTemporaryFile() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path out = dir.resolve("stopped-" + signal + ".bin");
            Process p = java(PartialOutputHolder.class.getName(), out.toString()).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("ready", r.readLine());
                try (Stream<Path> files = Files.list(dir)) {
                    assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith(".stopped-" + signal)).count(),
                            "the temporary file exists while the run goes on");
                }
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
                assertEquals(0, kill.waitFor());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child stopped");
            } finally {
                p.destroyForcibly();
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".stopped-" + signal)),
                        "SIG" + signal + " left a partial file");
            }
            assertTrue(Files.notExists(out));
        }
    }

    @Test
    void runningOutOfMemoryIsOneErrorLineWithAdvice() throws Exception {
        byte[] noise = new byte[4 << 20];
        new Random(7).nextBytes(noise);
        Path a = Files.write(dir.resolve("big-old.bin"), noise);
        new Random(8).nextBytes(noise);
        Path b = Files.write(dir.resolve("big-new.bin"), noise);
        Process p = java("-Xmx24m " + Main.class.getName(), "diff", a.toString(), b.toString(), "-o",
                dir.resolve("big.fwd").toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.IO_ERROR, p.waitFor(), output);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.startsWith("fwdelta: error: out of memory"), output);
        assertTrue(output.contains("-Xmx"), output);
    }

    @Test
    void anOutputDirectoryThatIsMissingIsAnIoError() throws IOException {
        assertEquals(ExitCodes.IO_ERROR, run("apply", oldBin.toString(), patch.toString(), "-o",
                dir.resolve("missing/new.bin").toString()));
        assertTrue(cli.err().startsWith("fwdelta: error: "), cli.err());
    }
}
