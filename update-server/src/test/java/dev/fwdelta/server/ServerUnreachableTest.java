// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.tool.cli.Main;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that talks to an update server says which URL it could not reach and why, in one
 * line, exit 5 (I/O), rather than the HTTP client's bare "ConnectException": a closed port (refused)
 * and a name under .invalid (RFC 6761: never resolves).
 */
class ServerUnreachableTest {
    @TempDir
    Path dir;
    private String closed;
    private Path token;

    @BeforeEach
    void closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = "http://127.0.0.1:" + s.getLocalPort() + "/";
        }
        token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
    }

    private static void assertOneLine(String expected, Fleet.Run r) {
        assertEquals(5, r.exit(), r.err());
        assertEquals("fwdelta: error: " + expected, r.err().strip());
    }

    @Test
    void addDeviceNamesTheUrlAndARefusedConnection() {
        assertOneLine("cannot reach " + closed + "admin/devices: connection refused", Fleet.cli("server", "add-device",
                "--server", closed, "--admin-token-file", token.toString(), "--id", "board-1"));
    }

    @Test
    void anUnknownHostIsSaid() {
        String server = "http://fwdelta-test-server.invalid/";
        assertOneLine("cannot reach " + server + "admin/devices: host not found", Fleet.cli("server", "add-device",
                "--server", server, "--admin-token-file", token.toString(), "--id", "board-1"));
    }

    @Test
    void releaseCommandsNameTheUrl() throws Exception {
        Path key = dir.resolve("release.pem");
        assertEquals(0, Main.commandLine().execute("keygen", "-o", key.toString()));
        Path image = Files.write(dir.resolve("new.bin"), new byte[4096]);
        assertOneLine("cannot reach " + closed + "admin/images?hw=7: connection refused", Fleet.cli("release", "publish",
                "--server", closed, "--admin-token-file", token.toString(), "--image", image.toString(), "--key",
                key.toString(), "--hardware-id", "7", "--firmware-version", "2"));
        assertOneLine("cannot reach " + closed + "admin/releases/rollout: connection refused", Fleet.cli("release",
                "rollout", "--server", closed, "--admin-token-file", token.toString(), "--hardware-id", "7",
                "--firmware-version", "2", "--rollout", "all"));
    }

    @Test
    void devicePollNamesTheUrl() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef");
        Path image = Files.write(dir.resolve("old.bin"), new byte[4096]);
        assertOneLine("cannot reach " + closed + "d/checkin: connection refused", Fleet.cli("device", "poll",
                "--server", closed, "--id", "board-1", "--secret-file", secret.toString(), "--layout", "stm32l4-512k",
                "--image", image.toString(), "--flash-file", dir.resolve("flash").toString(), "--hardware-id", "7"));
    }
}
