// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * manifest.json and the sizes it gives are untrusted: each is held to a named limit before a
 * byte is read or allocated for it. Found by a review of untrusted-input checks.
 */
class ReleaseManifestTest {
    @TempDir
    Path dir;

    private static ReleaseManifest.Entry entry(String file, long size) {
        return new ReleaseManifest.Entry("1", "1.bin", 4, "00", "2", file, size, "00", "lzma", 0, null, 1, "patch");
    }

    @Test
    void moreEntriesThanTheLimitAreRefused() throws Exception {
        StringBuilder json = new StringBuilder("{\"manifest_version\": 1, \"target\": {}, \"patches\": [{}");
        json.append(",{}".repeat(ReleaseManifest.MAX_PATCHES)).append("]}");
        Path manifest = Files.writeString(dir.resolve("manifest.json"), json);
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(manifest));
        assertEquals(manifest + ": bad value for the number of patches: 10001 (valid range 0..10000)", e.getMessage());
    }

    @Test
    void aManifestLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Path manifest = dir.resolve("manifest.json");
        try (RandomAccessFile f = new RandomAccessFile(manifest.toFile(), "rw")) {
            f.setLength(ReleaseManifest.MAX_MANIFEST_BYTES + 1); // sparse: no disk blocks
        }
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.read(manifest));
        assertEquals(manifest + ": 16777217 bytes; a release manifest has 0..16777216 bytes", e.getMessage());
    }

    @Test
    void aPatchSizePastTheLimitIsRefusedBeforeTheFileIsRead() throws Exception {
        Path patch = dir.resolve("1-to-2.fwd");
        long size = 3L << 30;
        try (RandomAccessFile f = new RandomAccessFile(patch.toFile(), "rw")) {
            f.setLength(size); // sparse, and of the size the manifest gives
        }
        IOException e = assertThrows(IOException.class, () -> ReleaseManifest.verifiedPatch(dir, entry("1-to-2.fwd",
                size)));
        assertEquals(patch + ": bad value for its manifest's size: 3221225472 (valid range 0..2147483638)",
                e.getMessage());
        e = assertThrows(IOException.class, () -> ReleaseManifest.verifiedPatch(dir, entry("1-to-2.fwd", -1)));
        assertEquals(patch + ": bad value for its manifest's size: -1 (valid range 0..2147483638)", e.getMessage());
    }
}
