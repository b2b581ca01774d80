// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published release never changes: posted again it is 200 unchanged only when image, full patch,
 * patch set and rollout all match; anything else is 409 naming the field and what is recorded, and
 * {@code release publish} exits 6 (refused) instead of saying it worked.
 */
class ReleaseRepublishTest {
    @TempDir
    Path dir;

    @Test
    void publishingAVersionAgainWithAnotherRolloutIsRefused() throws Exception {
        Fleet fleet = new Fleet(dir);
        Path v0 = Files.write(dir.resolve("v0.bin"), fleet.v0);
        Path v1 = Files.write(dir.resolve("v1.bin"), fleet.v1);
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            assertEquals(0, publish(uri, token, v0, "1", "all").exit());
            Fleet.Run first = publish(uri, token, v1, "2", "all");
            assertEquals(0, first.exit(), first.err());

            Fleet.Run narrowed = publish(uri, token, v1, "2", "group:nobody");
            assertEquals(6, narrowed.exit(), narrowed.err());
            assertTrue(narrowed.err().startsWith("fwdelta: error: ") && narrowed.err().strip().lines().count() == 1,
                    narrowed.err());
            assertTrue(narrowed.err().contains("release 2 for hardware " + Fleet.HW
                    + " exists already with another rollout: recorded all, posted group:nobody"), narrowed.err());
            assertTrue(!narrowed.out().contains("unchanged"), narrowed.out());

            Fleet.Run again = publish(uri, token, v1, "2", "all");
            assertEquals(0, again.exit(), again.err());
            assertTrue(again.out().contains("release 2 for hardware " + Fleet.HW + " exists already as posted: unchanged"),
                    again.out());

            // The rollout recorded is still all: a device of the default group on version 1 is offered version 2.
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("board-1", "default");
            assertTrue(Fleet.checkin(uri, "board-1", secret, OtaDevice.Installed.of(1, fleet.v0).sha256()).startsWith("update 2 "));
        }
    }

    @Test
    void anotherFullPatchSetOrImageIsRefusedNamingIt() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            AdminClient admin = new AdminClient(Fleet.uri(server), Fleet.TOKEN);
            new Publisher(admin, line -> { }).publish(fleet.v0, Fleet.options(1), fleet.key,
                    "all");
            String base = OtaDevice.Installed.of(1, fleet.v0).sha256();
            String image = admin.putArtifact(fleet.v1);
            String full = admin.putArtifact(signed(new byte[0], fleet.v1, fleet));
            String patch = admin.putArtifact(signed(fleet.v0, fleet.v1, fleet));
            List<String> patches = List.of(base + ":" + patch);
            assertTrue(admin.addRelease(Fleet.HW, 2, image, full, patches, "all").startsWith("release 2"));

            // Another full patch for the same image: other blocks, so other bytes.
            String otherFull = admin.putArtifact(PatchSigner.sign(PatchBuilder.build(new byte[0], fleet.v1,
                    new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 4 * 1024, 2, Fleet.HW)).patch(), fleet.key));
            assertRefused(admin, image, otherFull, patches, "all",
                    "another full: recorded " + full + ", posted " + otherFull);
            assertRefused(admin, image, full, List.of(), "all",
                    "another patch set: recorded patch " + base + ":" + patch + ", posted none from that base");
            assertRefused(admin, image, full, patches, "percent:50", "another rollout: recorded all, posted percent:50"
                    + " (change a published release's rollout with POST /admin/releases/rollout: fwdelta release rollout)");
            // The rollout is named only when it is all that differs: changing it would not make this the release.
            assertRefused(admin, image, full, List.of(), "percent:50", "another patch set: recorded patch " + base + ":"
                    + patch + ", posted none from that base (a published release's image and patches do not change:"
                    + " publish a new version)");
            assertRefused(admin, base, admin.putArtifact(signed(new byte[0], fleet.v0, fleet)), List.of(), "all",
                    "another image: recorded " + image + ", posted " + base);
            assertTrue(admin.addRelease(Fleet.HW, 2, image, full, patches, "all").endsWith("unchanged"));
        }
    }

    private static void assertRefused(AdminClient admin, String image, String full, List<String> patches, String rollout,
                                      String why) {
        IOException e = assertThrows(IOException.class,
                () -> admin.addRelease(Fleet.HW, 2, image, full, patches, rollout));
        assertTrue(e.getMessage().contains("answered 409") && e.getMessage().contains(why), e.getMessage());
    }

    private static byte[] signed(byte[] old, byte[] now, Fleet fleet) throws Exception {
        return PatchSigner.sign(PatchBuilder.build(old, now, Fleet.options(2)).patch(), fleet.key);
    }

    private Fleet.Run publish(URI uri, Path token, Path image, String version, String rollout) {
        return Fleet.cli("release", "publish", "--server", uri.toString(), "--admin-token-file", token.toString(),
                "--image", image.toString(), "--key", dir.resolve("release.pem").toString(), "--hardware-id",
                Long.toString(Fleet.HW), "--firmware-version", version, "--rollout", rollout);
    }
}
