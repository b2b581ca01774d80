// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keygen's output is checked as every other command's is (docs/CLI.md, Conventions): the error
 * names the path as given, never the temporary file the key is written to first.
 */
class KeygenOutputTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    private String errorLine() {
        String err = cli.err().strip();
        assertEquals(1, err.lines().count(), err);
        return err;
    }

    @Test
    void aMissingDirectoryIsNamedAsGiven() {
        Path missing = dir.resolve("nodir");
        assertEquals(ExitCodes.IO_ERROR, cli.run("keygen", "-o", missing.resolve("k.pem").toString()));
        assertEquals("fwdelta: error: no such file: " + missing + ": output directory does not exist", errorLine());
        assertFalse(Files.exists(missing));
    }

    @Test
    void aDirectoryIsRefusedAsAnOutputFile() throws Exception {
        Path d = Files.createDirectory(dir.resolve("d1"));
        assertEquals(ExitCodes.IO_ERROR, cli.run("keygen", "-o", d.toString()));
        assertEquals("fwdelta: error: " + d + ": is a directory: name the output file in it", errorLine());
        assertEquals(0, Files.list(d).count());
    }

    @Test
    void anExistingKeyIsStillNeverReplaced() throws Exception {
        Path key = dir.resolve("k.pem");
        Files.writeString(key, "mine");
        assertEquals(ExitCodes.IO_ERROR, cli.run("keygen", "-o", key.toString()));
        assertEquals("fwdelta: error: file exists: " + key, errorLine());
        assertEquals("mine", Files.readString(key));
    }
}
