// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.DeviceState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file or a check-in answer with a number out of range is bad input from a file or the
 * server: `device poll` exits 5 naming where it came from, the field and the range, never 2 (usage).
 */
class DevicePollStateFileTest {
    private static final String SHA = "5b1f".repeat(16);
    /** The stm32l4-512k layout's active slot, in bytes. */
    private static final long SLOT = 229376;

    @TempDir
    Path dir;

    @Test
    void aStateFileVersionBeyondTwoToTheSixtyThreeIsNamedWithItsFile() throws IOException {
        Path file = Files.writeString(dir.resolve("x.state"), "installed 9999999999999999999 4096 " + SHA + "\n");
        IOException e = assertThrows(IOException.class, () -> DeviceState.load(file));
        assertEquals(file + ": device state installed VERSION 9999999999999999999 is outside 0..9223372036854775807",
                e.getMessage());
    }

    @Test
    void aStateFileSizeBeyondAnyImageIsNamedWithItsFile() throws IOException {
        Path file = Files.writeString(dir.resolve("x.state"),
                "installed 2 4096 " + SHA + "\npending 3 99999999999 " + SHA + "\n");
        IOException e = assertThrows(IOException.class, () -> DeviceState.load(file));
        assertEquals(file + ": device state pending SIZE 99999999999 is outside 0..2147483647", e.getMessage());
    }

    @Test
    void devicePollExitsFiveNamingTheStateFileWhenASizeOrVersionIsOutOfRange() throws Exception {
        HttpServer fake = answering("none\n");
        try {
            String[] poll = poll(fake);
            Fleet.Run first = Fleet.cli(poll);
            assertEquals(0, first.exit(), first.err());
            Path state = DevicePollCommand.stateFile(dir.resolve("board.flash"));
            for (String[] c : new String[][] {
                {"installed 3 " + (SLOT + 1) + " " + SHA, "device state installed SIZE " + (SLOT + 1)
                    + " does not fit the active slot (running image size " + (SLOT + 1) + " outside 0.." + SLOT + ")"},
                {"installed 3 9999999999 " + SHA, "device state installed SIZE 9999999999 is outside 0..2147483647"},
                {"installed 9999999999999999999 4096 " + SHA,
                    "device state installed VERSION 9999999999999999999 is outside 0..9223372036854775807"}}) {
                Files.writeString(state, c[0] + "\n");
                Fleet.Run r = Fleet.cli(poll);
                assertEquals(5, r.exit(), r.err());
                assertEquals("fwdelta: error: " + state + ": " + c[1], r.err().strip());
            }
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void devicePollExitsFiveOnAnAnswersVersionBeyondTwoToTheSixtyThree() throws Exception {
        HttpServer fake = answering("update 9999999999999999999 100 " + SHA + " /d/a\n");
        try {
            Fleet.Run r = Fleet.cli(poll(fake));
            assertEquals(5, r.exit(), r.err());
            assertTrue(r.err().startsWith("fwdelta: error: the server's check-in answer: version 9999999999999999999"
                    + " is outside 0..9223372036854775807"), r.err());
        } finally {
            fake.stop(0);
        }
    }

    private String[] poll(HttpServer fake) throws IOException {
        Path image = dir.resolve("board.bin");
        if (!Files.exists(image)) {
            Files.write(image, new byte[4096]);
        }
        return new String[] {"device", "poll", "--server", "http://127.0.0.1:" + fake.getAddress().getPort() + "/",
            "--id", "board-1", "--secret-file", Files.writeString(dir.resolve("secret"), "s").toString(),
            "--layout", "stm32l4-512k", "--image", image.toString(),
            "--flash-file", dir.resolve("board.flash").toString(), "--hardware-id", "7"};
    }

    private static HttpServer answering(String answer) throws IOException {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = answer.getBytes(StandardCharsets.US_ASCII);
        fake.createContext("/d/checkin", ex -> {
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, body.length);
                out.write(body);
            }
        });
        fake.start();
        return fake;
    }
}
