// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.ShortAdminBodyLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin client against a server that sends an answer's headers and then stalls: the request
 * timeout covers only the headers, so the body's idle limit must end the command, one line naming
 * the URL and the limit, exit 5.
 */
class AdminClientStallTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private HostileUpdateServer server;
    private Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        server = new HostileUpdateServer();
        tokenFile = Files.writeString(dir.resolve("admin.token"), TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Fleet.Run addDevice() {
        return Fleet.cli(ShortAdminBodyLimits.commandLine(Duration.ofSeconds(1), Duration.ofSeconds(10)),
                "server", "add-device", "--server", server.uri().toString(), "--admin-token-file",
                tokenFile.toString(), "--id", "dev");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAnswerThatStallsEndsAtTheIdleLimit() {
        server.admin = form -> new HostileUpdateServer.Answer(200, "sec".getBytes(), 100);
        Fleet.Run r = addDevice();
        assertEquals(5, r.exit(), r.out() + r.err());
        assertEquals(List.of("fwdelta: error: POST /admin/devices answer from " + server.uri().resolve("/admin/devices")
                + " stalled: no byte within the idle limit of 1 s"), r.err().lines().toList());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRefusalThatStallsEndsAtTheIdleLimit() {
        server.admin = form -> new HostileUpdateServer.Answer(500, "error: ".getBytes(), 100);
        Fleet.Run r = addDevice();
        assertEquals(5, r.exit(), r.out() + r.err());
        assertEquals(List.of("fwdelta: error: the error answer from " + server.uri().resolve("/admin/devices")
                + " stalled: no byte within the idle limit of 1 s"), r.err().lines().toList());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anArtifactThatStallsEndsAtTheIdleLimit() {
        server.admin = form -> new HostileUpdateServer.Answer(200, new byte[10], 100);
        BodyDeadline.Limits shortLimits = new BodyDeadline.Limits(Duration.ofSeconds(1), Duration.ofSeconds(10));
        AdminClient client = new AdminClient(server.uri(), TOKEN, shortLimits, shortLimits);
        String sha = "ab".repeat(32);
        IOException e = assertThrows(IOException.class, () -> client.artifact(sha, 1000));
        assertEquals("admin artifact download from " + server.uri().resolve("/admin/artifacts/" + sha)
                + " stalled: no byte within the idle limit of 1 s", e.getMessage());
    }
}
