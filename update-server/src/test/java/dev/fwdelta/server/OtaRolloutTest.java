// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollouts: a named group gets a release the others do not; a percentage is a stable share of the fleet. */
class OtaRolloutTest {
    @TempDir
    Path dir;

    @Test
    void groupAndPercentRollouts() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            Publisher p = new Publisher(admin, line -> { });
            p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "group:beta");
            String v0 = OtaDevice.Installed.of(1, fleet.v0).sha256();
            String beta = admin.addDevice("beta-1", "beta");
            String other = admin.addDevice("other-1", "default");
            assertTrue(Fleet.checkin(uri, "beta-1", beta, v0).startsWith("update 2 "));
            assertEquals("none", Fleet.checkin(uri, "other-1", other, v0));

            p.publish(fleet.v2, Fleet.options(3), fleet.key, "percent:50");
            int offered = 0;
            for (int i = 0; i < 40; i++) {
                String secret = admin.addDevice("pct-" + i, "default");
                String first = Fleet.checkin(uri, "pct-" + i, secret, v0);
                assertEquals(first, Fleet.checkin(uri, "pct-" + i, secret, v0), "the same answer on every check-in");
                CheckinAnswer a = CheckinAnswer.parse(first, 1 << 20);
                if (a != null) {
                    assertEquals(3, a.version());
                    offered++;
                }
            }
            assertTrue(offered >= 10 && offered <= 30, offered + " of 40 devices in a 50% rollout");
        }
    }
}
