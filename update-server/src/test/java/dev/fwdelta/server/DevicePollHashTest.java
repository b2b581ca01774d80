// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta device poll}, run as a user runs it (a process of its own) against a server whose
 * offered artifact changed in the store after publish: the download is refused (PAYLOAD_HASH), the
 * command exits 3 (bad patch: docs/CLI.md) with one error line naming both hashes, and --image is
 * left as it was. The device has no --trust, so the hash is all that stops it.
 */
class DevicePollHashTest {
    @TempDir
    Path dir;

    @Test
    void aChangedArtifactEndsThePollWithExit3AndOneLine() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("board-h", "default");
            String running = OtaDevice.Installed.of(2, fleet.v1).sha256();
            CheckinAnswer offer = CheckinAnswer.parse(Fleet.checkin(uri, "board-h", secret, running), 1 << 20);
            Path file = dir.resolve("store").resolve(offer.sha256().substring(0, 2)).resolve(offer.sha256());
            byte[] changed = Files.readAllBytes(file);
            // A byte of the signature, which a device without keys does not read: the patch still decodes, so
            // the hash is what refuses it (a changed data byte may break the decoding first: CODEC_CORRUPT).
            changed[DownloadHashTest.signatureByte(changed)] ^= 0x5a;
            Files.write(file, changed);

            Path run = Files.createDirectory(dir.resolve("poll"));
            Path image = Files.write(dir.resolve("board-h.bin"), fleet.v1);
            Path secretFile = Files.writeString(dir.resolve("board-h.secret"), secret);
            Process p = ServerProcess.start(run, "device", "poll", "--server", uri.toString(), "--id", "board-h",
                    "--secret-file", secretFile.toString(), "--layout", "stm32l4-512k", "--image", image.toString(),
                    "--flash-file", dir.resolve("board-h.flash").toString(), "--hardware-id", Long.toString(Fleet.HW),
                    "--installed-version", "2");
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "no exit in 300 s");
            String err = Files.readString(run.resolve("err"));
            assertEquals(3, p.exitValue(), err);
            String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(changed));
            assertEquals(List.of("fwdelta: error: PAYLOAD_HASH (32): the download of " + offer.url()
                    + " hashes to SHA-256 " + got + ", not to the check-in answer's " + offer.sha256()
                    + ": refused before install"), err.lines().toList());
            assertEquals("", Files.readString(run.resolve("out")));
            assertArrayEquals(fleet.v1, Files.readAllBytes(image), "--image is left as it was");
            String[] row = new AdminClient(uri, Fleet.TOKEN).device("board-h").split(" ");
            assertEquals("failed " + ErrorCode.PAYLOAD_HASH.number(), row[4] + " " + row[5]);
        }
    }
}
