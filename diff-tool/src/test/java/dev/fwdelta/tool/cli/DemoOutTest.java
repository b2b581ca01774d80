// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * demo --out follows docs/CLI.md "Output files": a new directory in one that exists, or demo's own
 * earlier output, whose files it replaces (the build's class-data-sharing step runs it into the
 * same directory on every build); a directory holding anything else is refused before any work.
 */
class DemoOutTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    @Test
    void aMissingParentIsRefusedAndNothingIsCreated() {
        Path out = dir.resolve("missing").resolve("demo");
        assertEquals(ExitCodes.IO_ERROR, cli.run("demo", "--out", out.toString()), cli.err());
        assertEquals(List.of("fwdelta: error: no such file: " + dir.resolve("missing") + ": output directory does not exist"),
                cli.err().lines().toList());
        assertFalse(Files.exists(dir.resolve("missing")));
    }

    @Test
    void aDirectoryHoldingOtherFilesIsRefusedAndKeptAsItWas() throws Exception {
        Path out = Files.createDirectory(dir.resolve("release"));
        byte[] notes = {1, 2, 3};
        Files.write(out.resolve("notes.txt"), notes);
        Files.createDirectory(out.resolve("keys"));
        assertEquals(ExitCodes.USAGE, cli.run("demo", "--out", out.toString()), cli.err());
        assertEquals(List.of("fwdelta: error: --out " + out + " holds keys/, notes.txt: demo writes only old.bin, "
                + "new.bin, update.fwd (replacing an earlier run's): name a new directory, or demo's own earlier --out"
                + " (see 'fwdelta demo --help')"), cli.err().lines().toList());
        assertArrayEquals(notes, Files.readAllBytes(out.resolve("notes.txt")));
        try (var entries = Files.list(out)) {
            assertEquals(2, entries.count(), "demo wrote into a directory it refused");
        }
    }

    @Test
    void aSecondRunReplacesItsOwnFiles() throws Exception {
        Path out = dir.resolve("demo");
        assertEquals(0, cli.run("demo", "--out", out.toString()), cli.err());
        byte[] first = Files.readAllBytes(out.resolve("update.fwd"));
        assertEquals(0, cli.run("demo", "--out", out.toString(), "--seed", "2"), cli.err());
        byte[] second = Files.readAllBytes(out.resolve("update.fwd"));
        assertFalse(Arrays.equals(first, second), "the second run's patch replaced the first's");
        try (var entries = Files.list(out)) {
            assertEquals(3, entries.count());
        }
    }

    /** A hard kill leaves AtomicOutput's temporary of demo's own file: the next run removes it. */
    @Test
    void aLeftoverTemporaryOfItsOwnFileIsRemovedByTheNextRun() throws Exception {
        Path out = dir.resolve("demo");
        assertEquals(0, cli.run("demo", "--out", out.toString()), cli.err());
        Path leftover = Files.write(out.resolve(".update.fwd.k3j2.part"), new byte[] {1, 2});
        assertEquals(0, cli.run("demo", "--out", out.toString()), cli.err());
        assertFalse(Files.exists(leftover), "the killed run's temporary is still there");
        try (var entries = Files.list(out)) {
            assertEquals(List.of("new.bin", "old.bin", "update.fwd"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Only a temporary of a name demo writes is its own: one of another name is refused as any other file. */
    @Test
    void aTemporaryOfANameDemoDoesNotWriteIsRefused() throws Exception {
        Path out = Files.createDirectory(dir.resolve("demo"));
        Path other = Files.write(out.resolve(".other.abc.part"), new byte[] {4});
        assertEquals(ExitCodes.USAGE, cli.run("demo", "--out", out.toString()), cli.err());
        assertEquals(List.of("fwdelta: error: --out " + out + " holds .other.abc.part: demo writes only old.bin, "
                + "new.bin, update.fwd (replacing an earlier run's): name a new directory, or demo's own earlier --out"
                + " (see 'fwdelta demo --help')"), cli.err().lines().toList());
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(other));
        try (var entries = Files.list(out)) {
            assertEquals(1, entries.count(), "demo wrote into a directory it refused");
        }
    }

    @Test
    void anOutThatIsAFileIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("demo"), new byte[] {7});
        assertEquals(ExitCodes.IO_ERROR, cli.run("demo", "--out", file.toString()), cli.err());
        assertEquals(List.of("fwdelta: error: " + file + ": is not a directory"), cli.err().lines().toList());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(file));
    }
}
