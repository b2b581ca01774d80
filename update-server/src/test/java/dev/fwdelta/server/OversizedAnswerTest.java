// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.sim.DeviceSimulator;
import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile server (or whoever sits between) answers with an endless-looking body: the device and
 * the publisher read no more than their named limit, say so, and hang up. The server here learns
 * whether its whole answer was taken: it is far larger than what the loopback's socket buffers hold,
 * so a client that stops reading makes the server's writes fail.
 */
class OversizedAnswerTest {
    /** Larger than any client limit and than what loopback socket buffers can take in. */
    private static final long ANSWER_BYTES = 128L * 1024 * 1024;

    @TempDir
    Path dir;

    private HttpServer hostile;
    private URI uri;
    private int status;
    /** Completed by the handler: whether the client took the whole answer. */
    private final CompletableFuture<Boolean> delivered = new CompletableFuture<>();

    @BeforeEach
    void start() throws IOException {
        hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.createContext("/", this::answerHugely);
        hostile.start();
        uri = URI.create("http://127.0.0.1:" + hostile.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        hostile.stop(0);
    }

    private void answerHugely(HttpExchange ex) {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        try (ex; OutputStream out = ex.getResponseBody()) {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(status, 0); // chunked: no length announced
            for (long sent = 0; sent < ANSWER_BYTES; sent += chunk.length) {
                out.write(chunk);
            }
            delivered.complete(true);
        } catch (IOException hungUp) {
            delivered.complete(false);
        }
    }

    private OtaDevice device() throws Exception {
        Fleet fleet = new Fleet(dir);
        return new OtaDevice(uri, "dev-1", "secret", Fleet.HW, Fleet.LAYOUT,
                DeviceSimulator.provision(Fleet.LAYOUT, fleet.v0), new UpdatePolicy(16 * 1024, fleet.trust, 1,
                false, Fleet.HW));
    }

    @Test
    void deviceRefusesACheckinAnswerOverItsLineLimit() throws Exception {
        status = 200;
        OtaDevice device = device();
        IOException e = assertThrows(IOException.class, () -> device.poll(OtaDevice.Installed.of(1, new byte[16])));
        assertEquals("/d/checkin answer is longer than " + CheckinAnswer.MAX_LINE + " bytes", e.getMessage());
        assertFalse(delivered.get(), "the device read the whole answer");
    }

    @Test
    void deviceShowsOnlyTheStartOfAnOversizedRefusal() throws Exception {
        status = 500;
        OtaDevice device = device();
        IOException e = assertThrows(IOException.class, () -> device.poll(OtaDevice.Installed.of(1, new byte[16])));
        assertTrue(e.getMessage().startsWith("/d/checkin answered 500: xxx"), e.getMessage());
        assertTrue(e.getMessage().length() < CheckinAnswer.MAX_LINE + 100, "message of " + e.getMessage().length());
        assertFalse(delivered.get(), "the device read the whole refusal");
    }

    @Test
    void publisherRefusesAnAnswerOverItsLimit() throws Exception {
        status = 200;
        IOException e = assertThrows(IOException.class, () -> new AdminClient(uri, "token").addDevice("dev-1", "g"));
        assertEquals("POST /admin/devices answer is longer than " + AdminClient.MAX_ANSWER_BYTES + " bytes",
                e.getMessage());
        assertFalse(delivered.get(), "the publisher read the whole answer");
    }
}
