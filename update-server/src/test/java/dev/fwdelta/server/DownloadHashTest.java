// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device model compares the downloaded artifact with the SHA-256 of the check-in answer: an
 * artifact whose bytes changed on the server after it was published is refused (PAYLOAD_HASH)
 * before it is staged, the device keeps its image and the server records the failure. The device
 * here has no release keys (a development setup), so nothing else would have stopped it: the
 * changed byte is in the signature section, which only a device with keys reads.
 */
class DownloadHashTest {
    @TempDir
    Path dir;

    @Test
    void anArtifactChangedAfterPublishIsRefusedBeforeInstall() throws Exception {
        refusesTheChangedArtifact(null, false);
    }

    /**
     * The same when the link drops again and again: the hash spans the resumed pieces. The full
     * image (a device whose image the server does not know): a download of many blocks to resume in.
     */
    @Test
    void anArtifactChangedAfterPublishIsRefusedAfterResumedDownloads() throws Exception {
        Random r = new Random(11);
        refusesTheChangedArtifact(() -> 1 + r.nextInt(20_000), true);
    }

    private void refusesTheChangedArtifact(OtaDevice.LinkFault fault, boolean unknownImage) throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            String secret = admin.addDevice("dev-h", "default");
            byte[] image = fleet.v1.clone();
            if (unknownImage) {
                image[100] ^= 1;
            }
            String running = OtaDevice.Installed.of(2, image).sha256();
            CheckinAnswer offer = CheckinAnswer.parse(Fleet.checkin(uri, "dev-h", secret, running), 1 << 20);
            Path file = dir.resolve("store").resolve(offer.sha256().substring(0, 2)).resolve(offer.sha256());
            byte[] bytes = Files.readAllBytes(file);
            bytes[signatureByte(bytes)] ^= 0x5a;
            Files.write(file, bytes); // the store's file changed after publish: no longer its name's hash

            NorFlash flash = DeviceSimulator.provision(Fleet.LAYOUT, image);
            OtaDevice ota = new OtaDevice(uri, "dev-h", secret, Fleet.HW, Fleet.LAYOUT, flash,
                    new UpdatePolicy(16 * 1024, null, 2, false, Fleet.HW)); // no --trust
            ota.setLinkFault(fault);
            PatchException refused = null;
            int cuts = 0;
            for (int attempt = 0; attempt < 500 && refused == null; attempt++) {
                try {
                    ota.poll(new OtaDevice.Installed(2, running));
                    throw new AssertionError("installed an artifact that is not the check-in's");
                } catch (PatchException e) {
                    refused = e;
                } catch (IOException e) {
                    assertTrue(e.getMessage().startsWith("connection cut"), e.getMessage());
                    cuts++;
                }
            }
            if (fault != null) {
                assertTrue(cuts >= 3, "the download was cut " + cuts + " times");
            }
            assertEquals(ErrorCode.PAYLOAD_HASH, refused.code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("not to the check-in answer's " + offer.sha256()),
                    refused.getMessage());
            assertEquals(offer.size(), bytes.length, "the whole artifact was hashed");

            assertArrayEquals(image, ota.activeImage(image.length), "still runs its image");
            ota.powerOn(); // nothing was staged for the bootloader to install
            assertArrayEquals(image, ota.activeImage(image.length), "still runs its image after a reboot");
            assertNotEquals(offer.sha256(), ota.activeSha256(fleet.v2.length));

            String[] row = admin.device("dev-h").split(" ");
            assertEquals("failed", row[4], String.join(" ", row));
            assertEquals(Integer.toString(ErrorCode.PAYLOAD_HASH.number()), row[5], String.join(" ", row));
        }
    }

    /** Where the header's signature (its 64 bytes, docs/FORMAT.md 1) begins in a signed patch. */
    static int signatureByte(byte[] patch) throws PatchException {
        PatchHeader h = PatchHeader.parse(Arrays.copyOf(patch, Limits.HEADER_SIZE));
        byte[] sig = h.signature().signature();
        for (int at = 0; at + sig.length <= h.size(); at++) {
            if (Arrays.equals(patch, at, at + sig.length, sig, 0, sig.length)) {
                return at;
            }
        }
        throw new AssertionError("the patch header holds no signature");
    }
}
