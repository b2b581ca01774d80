// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** demo --out follows the output conventions: its parent must exist, and it must be new or empty. */
class DemoOutTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    @Test
    void aMissingParentIsRefusedAndNothingIsCreated() {
        Path out = dir.resolve("nonexist").resolve("x");
        assertEquals(ExitCodes.IO_ERROR, cli.run("demo", "--out", out.toString()), cli.err());
        assertTrue(cli.err().contains(dir.resolve("nonexist").toString()), cli.err());
        assertEquals(1, cli.err().strip().lines().count(), cli.err());
        assertFalse(Files.exists(dir.resolve("nonexist")));
    }

    @Test
    void aDirectoryHoldingFilesIsRefusedAndKept() throws Exception {
        Path out = Files.createDirectory(dir.resolve("d1"));
        byte[] mine = {1, 2, 3};
        Files.write(out.resolve("old.bin"), mine);
        assertEquals(ExitCodes.IO_ERROR, cli.run("demo", "--out", out.toString()), cli.err());
        assertTrue(cli.err().contains(out + ": is not empty: name a new or empty directory"), cli.err());
        assertArrayEquals(mine, Files.readAllBytes(out.resolve("old.bin")));
        assertFalse(Files.exists(out.resolve("update.fwd")));
    }

    @Test
    void aNewOrEmptyDirectoryIsFilled() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals(0, cli.run("demo", "--out", empty.toString()), cli.err());
        assertTrue(Files.size(empty.resolve("update.fwd")) > 0);
        Path fresh = dir.resolve("fresh");
        assertEquals(0, cli.run("demo", "--out", fresh.toString()), cli.err());
        assertTrue(Files.size(fresh.resolve("new.bin")) > 0);
    }
}
