// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.server.publish.AdminClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-keying a device (a lost secret) without naming its group moved it to the default group, and
 * so out of its group's rollouts, unseen (found by a review of the server). A known device now
 * keeps its group unless one is given; a new one without a group is in the default group.
 */
class DeviceGroupRekeyTest {
    @TempDir
    Path dir;

    private String group(String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("db"));
             PreparedStatement s = c.prepareStatement("SELECT device_group FROM devices WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "no such device";
            }
        }
    }

    @Test
    void aRekeyedDeviceKeepsItsGroupUnlessOneIsGiven() throws Exception {
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            AdminClient admin = new AdminClient(Fleet.uri(server), Fleet.TOKEN);
            admin.addDevice("board-1", "beta");
            admin.addDevice("board-1", null);
            assertEquals("beta", group("board-1"), "re-keyed without a group");
            admin.addDevice("board-1", null, true);
            assertEquals("beta", group("board-1"), "re-keyed and its hardware id freed");
            admin.addDevice("board-1", "stable");
            assertEquals("stable", group("board-1"), "a group given is taken");
            admin.addDevice("board-2", null);
            assertEquals(AdminApi.DEFAULT_GROUP, group("board-2"), "a new device without one");
        }
    }
}
