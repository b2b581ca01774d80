// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device's own files (its state, its download checkpoint) are read only up to their limits,
 * whatever size the file system reports: /dev/zero reports 0 bytes and never ends. Before, each was
 * read whole after a size check that passed, until the heap ran out. The timeout only keeps a
 * regression from hanging the build.
 */
class DeviceFilesBoundTest {
    @TempDir
    Path dir;

    private Path endless(String name) throws IOException {
        return Files.createSymbolicLink(dir.resolve(name), Path.of("/dev/zero"));
    }

    @Test
    void aDeviceStateWithoutEndIsRefusedAtItsLimit() throws IOException {
        Path state = endless("device.state");
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(IOException.class, () -> DeviceState.load(state)));
        assertTrue(e.getMessage().contains("more than " + DeviceState.MAX_FILE + " bytes; a device state has 0.."
                + DeviceState.MAX_FILE + " bytes"), e.getMessage());
    }

    @Test
    void aDownloadCheckpointWithoutEndIsRefusedAtItsLimitAndDropped() throws IOException {
        Path checkpoint = endless("flash.bin.download");
        DownloadCheckpoint.Store store = DownloadCheckpoint.file(checkpoint);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(IOException.class, store::load));
        assertTrue(e.getMessage().contains("download checkpoint (dropped: the next run downloads the update again): ")
                && e.getMessage().contains("more than " + DownloadCheckpoint.MAX_FILE + " bytes"), e.getMessage());
        assertFalse(Files.exists(checkpoint, LinkOption.NOFOLLOW_LINKS), "the link is dropped");
    }
}
