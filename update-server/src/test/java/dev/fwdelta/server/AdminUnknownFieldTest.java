// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin route refuses a field it does not take (400 naming it and the route's fields) and does
 * nothing: a misspelt optional field took its default unseen, so a release published with
 * {@code rolout=percent:5} went to every device (the rollout's default). A device route still ignores fields it does not know, so that a
 * newer device's check-in works on an older server.
 */
class AdminUnknownFieldTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aFieldAnAdminRouteDoesNotTakeIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);

            // A release of version 4 whose rollout is misspelt: before, it was published with the
            // default rollout, to every device.
            byte[] image = fleet.v2.clone();
            image[0] ^= 1;
            String imageSha = admin.putArtifact(image);
            String fullSha = admin.putArtifact(PatchSigner.sign(PatchBuilder.build(new byte[0], image, Fleet.options(4))
                    .patch(), fleet.key));
            HttpResponse<String> r = admin(uri, "/admin/releases", "hw=" + Fleet.HW + "&ver=4&image=" + imageSha
                    + "&full=" + fullSha + "&rolout=percent:5");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("error: POST /admin/releases takes no field rolout: its fields are hw, ver, image, full, rollout,"
                    + " patch\n", r.body());
            assertEquals(3, admin.images(Fleet.HW).size(), "no release 4");

            r = admin(uri, "/admin/releases/rollout", "hw=" + Fleet.HW + "&ver=3&rolout=percent:5");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("error: POST /admin/releases/rollout takes no field rolout: its fields are hw, ver, rollout\n",
                    r.body());

            r = admin(uri, "/admin/devices", "id=board-u&grup=beta");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("error: POST /admin/devices takes no field grup: its fields are id, group, free_hw\n", r.body());
            assertEquals(404, http.send(HttpRequest.newBuilder(uri.resolve("/admin/devices/board-u"))
                    .header("Authorization", "Bearer " + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "no device was added");

            r = http.send(HttpRequest.newBuilder(uri.resolve("/admin/images?hw=" + Fleet.HW + "&version=3"))
                    .header("Authorization", "Bearer " + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("error: GET /admin/images takes no field version: its fields are hw\n", r.body());

            // Every release still goes to every device: a device on version 2 is offered 3. Its
            // check-in carries a field the device route does not know, which it ignores.
            String secret = admin.addDevice("board-v", "default");
            String running = OtaDevice.Installed.of(2, fleet.v1).sha256();
            r = http.send(HttpRequest.newBuilder(uri.resolve("/d/checkin"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            ("board-v:" + secret).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("hw=" + Fleet.HW + "&ver=1&sha=" + running
                            + "&battery=87")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("update", r.body().split(" ")[0], r.body());
        }
    }

    private HttpResponse<String> admin(URI uri, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri.resolve(path)).header("Authorization", "Bearer " + Fleet.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
