// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest names its patch files relative to its own directory, the one matrix wrote it in.
 * Before, {@code matrix --merge} looked for them beside the path it was given: a manifest given as a
 * pipe (a shell's {@code <(cat DIR/manifest.json)}, /dev/stdin), which has no directory, ended in
 * "no such file: /dev/old-to-new.fwd", exit 5, naming a file the user never gave; a symbolic link
 * to a manifest had its patches looked for beside the link. Now a pipe is refused before it is
 * read, exit 2, saying why and what to give instead, and a link is followed to the manifest's own
 * directory.
 */
class MergeManifestDirectoryTest {
    @TempDir
    Path dir;

    private CliFixture f;
    private Path shard;

    @BeforeEach
    void buildOneShard() throws Exception {
        f = new CliFixture(dir);
        shard = dir.resolve("s1");
        assertEquals(ExitCodes.OK, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", f.oldBin.toString(),
                "--out", shard.toString()), f.cli.err());
    }

    @Test
    void mergeRefusesAPipedManifestSayingWhy() throws Exception {
        Path merged = dir.resolve("merged");
        ChildCli.Result r = ChildCli.runWithInput(Files.readAllBytes(shard.resolve("manifest.json")), "matrix",
                "--merge", "/dev/stdin", "--out", merged.toString());
        assertEquals(ExitCodes.USAGE, r.exit(), r.err());
        assertEquals("fwdelta: error: --merge /dev/stdin is not a regular file (a pipe or a device): a manifest names"
                + " its patch files relative to its own directory, which a pipe has not; give the shard's manifest"
                + " file itself, e.g. --merge DIR/manifest.json (see 'fwdelta matrix --help')", r.err().strip());
        assertFalse(Files.exists(merged));
    }

    @Test
    void mergeFindsTheFilesOfALinkedManifestBesideTheManifest() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("shard1.json"), shard.resolve("manifest.json"));
        Path merged = dir.resolve("merged");
        assertEquals(ExitCodes.OK, f.cli.run("matrix", "--merge", link.toString(), "--out", merged.toString()),
                f.cli.err());
        assertArrayEquals(Files.readAllBytes(shard.resolve("old-to-new.fwd")),
                Files.readAllBytes(merged.resolve("old-to-new.fwd")));
    }
}
