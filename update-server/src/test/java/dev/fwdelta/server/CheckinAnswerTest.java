// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fwdelta.server.device.CheckinAnswer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check-in answer is the server's word, checked field by field before the device acts on it: a
 * URL the device could not fetch is the server's fault, an I/O error naming the answer and the
 * field, not a usage error of the command that polled.
 */
class CheckinAnswerTest {
    private static final String SHA = "5b1f".repeat(16);

    @TempDir
    Path dir;

    @Test
    void theServersPathsAndAbsoluteHttpUrlsAreTaken() throws IOException {
        for (String url : new String[] {"/d/artifacts/" + SHA, "https://cdn.example/fw/5b/" + SHA,
            "HTTP://127.0.0.1:8093/5b/" + SHA}) {
            assertEquals(url, CheckinAnswer.parse("update 3 100 " + SHA + " " + url + "\n", 1000).url());
        }
    }

    @Test
    void aUrlTheDeviceCouldNotFetchIsRefusedNamingTheField() {
        for (String url : new String[] {"http://[bad", "ftp://cdn.example/x", "d/artifacts/x", "//other.example/x",
            "http:///x", "mailto:a@b", "http://user:pw@cdn.example/x"}) {
            IOException e = assertThrows(IOException.class,
                    () -> CheckinAnswer.parse("update 3 100 " + SHA + " " + url, 1000), url);
            assertTrue(e.getMessage().startsWith("the server's check-in answer: URL '" + url + "' "), e.getMessage());
        }
    }

    @Test
    void devicePollExitsAsAnIoErrorOnABadUrlFromTheServer() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/d/checkin", ex -> {
            byte[] answer = ("update 3 100 " + SHA + " http://[bad\n").getBytes(StandardCharsets.US_ASCII);
            try (ex; OutputStream out = ex.getResponseBody()) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, answer.length);
                out.write(answer);
            }
        });
        fake.start();
        try {
            Path image = Files.write(dir.resolve("board.bin"), new byte[4096]);
            Fleet.Run r = Fleet.cli("device", "poll", "--server", "http://127.0.0.1:" + fake.getAddress().getPort() + "/",
                    "--id", "board-1", "--secret-file", Files.writeString(dir.resolve("secret"), "s").toString(), "--layout", "stm32l4-512k", "--image", image.toString(),
                    "--flash-file", dir.resolve("board.flash").toString(), "--hardware-id", "7");
            assertEquals(5, r.exit(), r.err());
            assertTrue(r.err().startsWith("fwdelta: error: the server's check-in answer: URL 'http://[bad' "), r.err());
        } finally {
            fake.stop(0);
        }
    }
}
