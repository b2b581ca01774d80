// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.nio.file.Files;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on loopback with the embedded database: publish, check in, download, install, report.
 * One server with v1..v3 published serves the whole class; every test has its own devices.
 */
class OtaServerTest {
    @TempDir
    static Path dir;

    private static Fleet fleet;
    private static OtaServer server;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        fleet = new Fleet(dir);
        server = Fleet.sqliteServer(dir);
        uri = Fleet.uri(server);
        fleet.publishAll(uri);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachDeviceGetsItsOwnPatchInstallsAndReports() throws Exception {
        runFleet(fleet, uri, uri);
    }

    /** With v1..v3 published through {@code admin}: devices talk to {@code devices} (the same or another instance). */
    static void runFleet(Fleet fleet, URI admin, URI devices) throws Exception {
        Fleet.Device a = fleet.new Device(devices, "dev-a", "default", fleet.v1, 2);
        Fleet.Device b = fleet.new Device(devices, "dev-b", "default", fleet.v1, 2);
        Fleet.Device c = fleet.new Device(devices, "dev-c", "default", fleet.v0, 1);
        byte[] unknown = fleet.v1.clone();
        unknown[100] ^= 1;
        Fleet.Device d = fleet.new Device(devices, "dev-d", "default", unknown, 2);
        for (Fleet.Device dev : new Fleet.Device[] {a, b, c, d}) {
            assertEquals(OtaDevice.Outcome.INSTALLED, dev.ota.poll(dev.installed), dev.id);
            assertArrayEquals(fleet.v2, dev.active(fleet.v2.length), dev.id + " runs v2 exactly");
            assertEquals(OtaDevice.Outcome.NOTHING_TO_DO, dev.ota.poll(OtaDevice.Installed.of(3, fleet.v2)), dev.id);
            String[] row = new AdminClient(admin, Fleet.TOKEN).device(dev.id).split(" ");
            assertEquals("3", row[2], dev.id + " checked in with v2");
            assertEquals("installed", row[4], dev.id + " reported");
        }
        assertEquals(a.ota.bytesDownloaded(), b.ota.bytesDownloaded(), "same base, same patch");
        assertTrue(c.ota.bytesDownloaded() != a.ota.bytesDownloaded(), "v0 gets its own patch");
        assertTrue(d.ota.bytesDownloaded() > 4 * a.ota.bytesDownloaded(),
                "unknown image gets the full image: " + d.ota.bytesDownloaded() + " vs " + a.ota.bytesDownloaded());
    }

    @Test
    void aPatchTheDeviceRefusesIsReportedAsFailedWithItsErrorCode() throws Exception {
        Fleet otherKey = new Fleet(Files.createDirectories(dir.resolve("other")));
        // This device trusts another release key: it must refuse the update and say why.
        Fleet.Device dev = otherKey.new Device(uri, "dev-x", "default", fleet.v1, 2);
        PatchException e = assertThrows(PatchException.class, () -> dev.ota.poll(dev.installed));
        assertEquals(ErrorCode.UNKNOWN_KEY, e.code());
        String[] row = new AdminClient(uri, Fleet.TOKEN).device("dev-x").split(" ");
        assertEquals("failed", row[4]);
        assertEquals(Integer.toString(ErrorCode.UNKNOWN_KEY.number()), row[5]);
        assertArrayEquals(fleet.v1, dev.active(fleet.v1.length), "still runs v1");
    }

    @Test
    void downloadCutAtRandomPointsResumesWithRange() throws Exception {
        // The full image (a long download) to a device whose image the server does not know.
        byte[] unknown = fleet.v0.clone();
        unknown[7] ^= 1;
        Fleet.Device dev = fleet.new Device(uri, "dev-cut", "default", unknown, 1);
        Random r = new Random(7);
        dev.ota.setLinkFault(() -> 1 + r.nextInt(20_000));
        int cuts = 0;
        OtaDevice.Outcome outcome = null;
        for (int attempt = 0; attempt < 500 && outcome == null; attempt++) {
            // Every attempt is a new agent on the same flash: a reboot after the link dropped.
            try {
                outcome = dev.ota.poll(dev.installed);
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("connection cut"), e.getMessage());
                cuts++;
            }
        }
        assertEquals(OtaDevice.Outcome.INSTALLED, outcome);
        assertTrue(cuts >= 3, "the download was cut " + cuts + " times");
        assertArrayEquals(fleet.v2, dev.active(fleet.v2.length));
        long full = dev.ota.lastOffer().size();
        assertTrue(dev.ota.bytesDownloaded() < 2 * full, "resumed, not restarted: " + dev.ota.bytesDownloaded()
                + " bytes for a " + full + "-byte download");
    }
}
