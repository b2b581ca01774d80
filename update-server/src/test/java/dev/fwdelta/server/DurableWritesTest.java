// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.tool.io.SyscallTrace;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must be whole after a power cut is written durably (docs/OTA.md): the server's artifacts,
 * which a database row names once published, and the device's state and image files. A server and
 * a {@code device poll}, each a process of its own under strace: every such file was forced to the
 * disk before it was renamed into place, and its directory after.
 */
class DurableWritesTest {
    private static final String LISTENING = "fwdelta server on http://127.0.0.1:";

    @TempDir
    Path dir;

    @Test
    void artifactsDeviceStateAndImageAreForcedBeforeTheyAreRenamedIntoPlace() throws Exception {
        Fleet fleet = new Fleet(dir);
        Path token = Files.writeString(dir.resolve("admin.token"), Fleet.TOKEN);
        Path data = dir.resolve("data");
        Path serverRun = Files.createDirectory(dir.resolve("server"));
        Path serverTrace = dir.resolve("server.trace");
        Process server = ServerProcess.start(serverRun, SyscallTrace.launcher(serverTrace), Map.of(), "server",
                "--port", "0", "--data", data.toString(), "--admin-token-file", token.toString());
        Path image = Files.write(dir.resolve("board-d.bin"), fleet.v1);
        Path flash = dir.resolve("board-d.flash");
        Path deviceTrace = dir.resolve("device.trace");
        try {
            URI uri = URI.create("http://127.0.0.1:" + port(server, serverRun) + "/");
            fleet.publishAll(uri);
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("board-d", "default");
            Path secretFile = Files.writeString(dir.resolve("board-d.secret"), secret);
            Path run = Files.createDirectory(dir.resolve("poll"));
            Process p = ServerProcess.start(run, SyscallTrace.launcher(deviceTrace), Map.of(), "device", "poll",
                    "--server", uri.toString(), "--id", "board-d", "--secret-file", secretFile.toString(),
                    "--layout", Fleet.LAYOUT.name(), "--image", image.toString(), "--flash-file", flash.toString(),
                    "--hardware-id", Long.toString(Fleet.HW), "--installed-version", "2");
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "no exit in 300 s");
            assertEquals(0, p.exitValue(), Files.readString(run.resolve("err")));
        } finally {
            // The server's JVM first: strace, killed, would leave it running untraced.
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            server.waitFor(60, TimeUnit.SECONDS);
        }
        assertArrayEquals(fleet.v2, Files.readAllBytes(image), "the device installed version 3");

        SyscallTrace traced = SyscallTrace.read(serverTrace);
        List<Path> artifacts;
        try (Stream<Path> files = Files.walk(data)) {
            artifacts = files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).toList();
        }
        assertTrue(artifacts.size() >= 3, "patches to v1, v2 and v3: " + artifacts);
        for (Path artifact : artifacts) {
            traced.assertDurablyReplaced(artifact);
        }
        SyscallTrace device = SyscallTrace.read(deviceTrace);
        device.assertDurablyReplaced(DevicePollCommand.stateFile(flash));
        device.assertDurablyReplaced(image);
    }

    /** The port the server says it listens on, once it says so. */
    private static int port(Process server, Path run) throws Exception {
        for (int wait = 0; wait < 1200 && server.isAlive(); wait++) {
            for (String line : Files.readString(run.resolve("err")).lines().toList()) {
                if (line.startsWith(LISTENING)) {
                    return Integer.parseInt(line.substring(LISTENING.length()).replaceFirst("\\D.*", ""));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start: " + Files.readString(run.resolve("err")));
    }
}
