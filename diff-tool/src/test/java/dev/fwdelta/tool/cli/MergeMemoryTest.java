// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge holds one patch in memory at a time, not the whole release. Found by a review of the
 * release pipeline: --merge read every patch of every shard before writing the first, so a release
 * whose patches together passed the heap ran out of memory though each patch fitted easily.
 */
class MergeMemoryTest {
    @TempDir
    Path dir;

    /**
     * Each patch padded to a quarter of the child's heap: one fits (twice over, as a file is read
     * in pieces and joined), the four of a release do not.
     */
    private static final int PADDING = 16 << 20;
    private static final int SHARDS = 4;

    @Test
    void aMergeOfPatchesLargerTogetherThanTheHeapSucceeds() throws Exception {
        CliFixture f = new CliFixture(dir);
        byte[] old = Files.readAllBytes(f.oldBin);
        String[] args = new String[SHARDS + 4];
        args[0] = "matrix";
        args[1] = "--merge";
        for (int k = 0; k < SHARDS; k++) {
            old[100] = (byte) k;
            Path oldK = Files.write(dir.resolve("v" + k + ".bin"), old);
            Path out = dir.resolve("s" + k);
            assertEquals(ExitCodes.OK, f.cli.run("matrix", "--new", f.newBin.toString(), "--old", oldK.toString(),
                    "--out", out.toString()), f.cli.err());
            Path manifest = out.resolve("manifest.json");
            pad(manifest, out.resolve("v" + k + "-to-new.fwd"));
            args[2 + k] = manifest.toString();
        }
        Path merged = dir.resolve("merged");
        args[SHARDS + 2] = "--out";
        args[SHARDS + 3] = merged.toString();
        ChildCli.Result r = ChildCli.run("64m", args);
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        for (int k = 0; k < SHARDS; k++) {
            Path file = merged.resolve("v" + k + "-to-new.fwd");
            assertEquals(Files.size(dir.resolve("s" + k).resolve(file.getFileName())), Files.size(file));
        }
    }

    /**
     * Appends PADDING zero bytes to {@code patch} (past its payload, which a merge does not parse)
     * and records its new size and SHA-256 in {@code manifest}.
     */
    private static void pad(Path manifest, Path patch) throws Exception {
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(patch, StandardOpenOption.APPEND)) {
            for (int i = 0; i < PADDING / zeros.length; i++) {
                out.write(zeros);
            }
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(patch)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        JsonObject e = json.getAsJsonArray("patches").get(0).getAsJsonObject();
        e.addProperty("size", Files.size(patch));
        e.addProperty("sha256", HexFormat.of().formatHex(sha.digest()));
        Files.writeString(manifest, json.toString());
    }
}
