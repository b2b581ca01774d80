// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patch file names a matrix writes are the ones its manifests may name. Found by a review of
 * the release pipeline: an --old or --new whose name had a space, a non-ASCII letter or a leading
 * underscore built a shard, exit 0, that --merge and release publish then refused ("patch file
 * name '_v3-to-new.fwd' is not a plain file name", naming neither manifest nor rule); a name too
 * long for the file system failed after the build, naming a temporary file. A hand-edited entry's
 * file ("../x.fwd", "/etc/passwd") was refused without the manifest or field, and an old version
 * given twice in one manifest was said to be "in two shards", and an --out whose manifest.json did
 * not read was refused without saying why.
 */
class MatrixFileNameTest {
    @TempDir
    Path dir;

    private CliFixture f;

    @BeforeEach
    void images() throws Exception {
        f = new CliFixture(dir);
    }

    private static final String RULE = "a patch file name is 1 to 201 of A-Z a-z 0-9 . _ + -, the first a letter or "
            + "digit";

    @Test
    void oldOrNewNamesNoManifestCanHoldAreRefusedBeforeTheBuild() throws Exception {
        String[][] cases = {{"версия 1.bin", "new.bin", "версия 1-to-new.fwd"}, {"_v3.bin", "new.bin", "_v3-to-new.fwd"},
            {"v4 (old).bin", "new.bin", "v4 (old)-to-new.fwd"},
            {"a".repeat(200) + ".bin", "new.bin", "a".repeat(200) + "-to-new.fwd"},
            {"old.bin", "новый.bin", "old-to-новый.fwd"}};
        for (String[] c : cases) {
            Path old = dir.resolve(c[0]);
            Path nw = dir.resolve(c[1]);
            if (!Files.exists(old)) {
                Files.copy(f.oldBin, old);
            }
            if (!Files.exists(nw)) {
                Files.copy(f.newBin, nw);
            }
            Path out = dir.resolve("out");
            assertEquals(ExitCodes.USAGE, f.cli.run("matrix", "--new", nw.toString(), "--old", old.toString(),
                    "--out", out.toString()), c[0]);
            assertEquals("--old " + old + " with --new " + nw + " gives the patch file name '" + c[2] + "': " + RULE
                    + " (a manifest names no other); rename the image file (see 'fwdelta matrix --help')",
                    f.errorLine());
            assertFalse(Files.exists(out), c[0]);
        }
    }

    private Path shard() {
        Path out = dir.resolve("s1");
        assertEquals(ExitCodes.OK, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", f.oldBin.toString(),
                "--out", out.toString()), f.cli.err());
        return out.resolve("manifest.json");
    }

    @Test
    void anEntryNamingAFileOutsideItsDirectoryIsRefusedNamingTheField() throws Exception {
        Path m = shard();
        String built = Files.readString(m);
        for (String file : new String[] {"../s1/old-to-new.fwd", "/etc/passwd", "..", "", "sub/old-to-new.fwd"}) {
            JsonObject json = JsonParser.parseString(built).getAsJsonObject();
            json.getAsJsonArray("patches").get(0).getAsJsonObject().addProperty("file", file);
            Files.writeString(m, json.toString());
            assertEquals(ExitCodes.IO_ERROR, f.cli.run("matrix", "--merge", m.toString(), "--out",
                    dir.resolve("merged").toString()), file);
            assertEquals(m + ": patches[0].file: '" + file + "' is not a plain file name (" + RULE + ")",
                    f.errorLine());
            assertFalse(Files.exists(dir.resolve("merged")), file);
        }
    }

    /**
     * An --out whose manifest.json does not read (one an earlier fwdelta wrote without olds, say)
     * is refused with why: before, the line said only "is not a release manifest".
     */
    @Test
    void anOutWhoseManifestDoesNotReadSaysWhy() throws Exception {
        Path m = shard();
        JsonObject json = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        json.remove("olds");
        Files.writeString(m, json.toString());
        assertEquals(ExitCodes.USAGE, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", f.oldBin.toString(),
                "--out", m.getParent().toString()));
        assertEquals("--out " + m.getParent() + " holds a manifest.json that is not a release manifest (" + m
                + ": missing field olds): give each release, and each --shard of one, a new or empty --out (a run "
                + "again into its own --out replaces its files) (see 'fwdelta matrix --help')", f.errorLine());
    }

    /** Before, the same manifest given twice was refused as "old version old is the image of old ... in the same manifest". */
    @Test
    void aManifestGivenTwiceIsSaidSo() throws Exception {
        Path m = shard();
        Path again = dir.resolve("s1/../s1/manifest.json");
        assertEquals(ExitCodes.USAGE, f.cli.run("matrix", "--merge", m.toString(), again.toString(), "--out",
                dir.resolve("merged").toString()));
        assertEquals("--merge " + again + " is " + m + " again: give each shard's manifest once (see 'fwdelta matrix "
                + "--help')", f.errorLine());
        assertFalse(Files.exists(dir.resolve("merged")));
    }

    @Test
    void anOldVersionTwiceInOneManifestIsSaidSo() throws Exception {
        Path m = shard();
        JsonObject json = JsonParser.parseString(Files.readString(m)).getAsJsonObject();
        JsonObject copy = json.getAsJsonArray("patches").get(0).getAsJsonObject().deepCopy();
        copy.addProperty("from", "old-again");
        json.getAsJsonArray("patches").add(copy);
        Files.writeString(m, json.toString());
        assertEquals(ExitCodes.USAGE, f.cli.run("matrix", "--merge", m.toString(), "--out",
                dir.resolve("merged").toString()));
        assertEquals(m + ": old version old-again is the image of old (same SHA-256) in the same manifest (see "
                + "'fwdelta matrix --help')", f.errorLine());
    }
}
