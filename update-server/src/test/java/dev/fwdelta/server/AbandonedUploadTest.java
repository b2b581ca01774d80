// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed mid-upload leaves its partial upload in the store; the next start removes the
 * parts too old to belong to any upload in progress and keeps a young one, which may be another
 * server's over the same store.
 */
class AbandonedUploadTest {
    @TempDir
    Path dir;

    @Test
    void aStartRemovesPartsOlderThanAnyUploadAndKeepsYoungOnes() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        Path old = Files.write(store.resolve("upload-1234.part"), new byte[4096]);
        Files.setLastModifiedTime(old, FileTime.from(
                Instant.now().minus(OtaServer.TimeLimits.DEFAULT.upload().multipliedBy(2)).minusSeconds(60)));
        Path young = Files.write(store.resolve("upload-5678.part"), new byte[4096]);
        Path artifact = Files.write(store.resolve("not-an-upload.part"), new byte[16]);
        Files.setLastModifiedTime(artifact, FileTime.from(Instant.now().minusSeconds(86_400)));
        try (OtaServer server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), store, 1 << 20))) {
            assertFalse(Files.exists(old), "a part left by a killed upload is still in the store");
            assertTrue(Files.exists(young), "a part young enough to be an upload in progress was removed");
            assertTrue(Files.exists(artifact), "a file that is no upload's part was removed");
        }
    }
}
