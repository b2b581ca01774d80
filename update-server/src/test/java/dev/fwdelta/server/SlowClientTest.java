// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.publish.AdminClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a request body a byte at a time, or take a download a little at a time, never
 * stalling long enough for Jetty's idle timeout (30 s): the server's time limits must end them (a
 * body with 408, a download by closing the connection), or each holds a request thread for as long
 * as it likes. The server runs with short limits here; the client keeps sending well past
 * the idle timeout, so an answer before it stops can only be the body limit's.
 */
class SlowClientTest {
    /** Bytes the trickling client sends at most, one every {@link #GAP_MILLIS}: 35 s, past the idle timeout. */
    private static final int MAX_TRICKLE = 350;
    private static final int GAP_MILLIS = 100;
    /** An artifact far larger than what socket buffers hold, so that only a client that reads takes it. */
    private static final int BIG = 32 << 20;

    @TempDir
    Path dir;

    private OtaServer server;

    @BeforeEach
    void start() throws Exception {
        server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), BIG)
                .withTimeLimits(new OtaServer.TimeLimits(OtaServer.TimeLimits.DEFAULT.headers(), Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(2))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCheckinBodyTrickledInChunksIs408AtItsLimit() throws Exception {
        String secret = new AdminClient(Fleet.uri(server), Fleet.TOKEN).addDevice("dev-slow", "default");
        String auth = Base64.getEncoder().encodeToString(("dev-slow:" + secret).getBytes(StandardCharsets.UTF_8));
        Trickle t = trickle("POST /d/checkin HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\nh\r\n");
        assertNotNull(t.answer, "no answer after " + t.sent + " bytes of body: the request still holds its thread");
        assertTrue(t.answer.startsWith("HTTP/1.1 408"), t.answer);
        assertTrue(t.answer.endsWith("\r\n\r\nerror: request body: not complete within the limit of 2 s"
                + " (the whole body must arrive within it)\n"), t.answer);
        assertTrue(t.sent < MAX_TRICKLE, "answered only when the client stopped: " + t.sent);
        // The server still serves, and a body sent at once is read as ever.
        assertEquals("none", Fleet.checkin(Fleet.uri(server), "dev-slow", secret, "0".repeat(64)));
    }

    @Test
    void anUploadTrickledAByteAtATimeIs408AndKeepsNothing() throws Exception {
        Trickle t = trickle("PUT /admin/artifacts/" + "0".repeat(64) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + Fleet.TOKEN + "\r\nContent-Length: " + (MAX_TRICKLE + 1) + "\r\n\r\n", "u");
        assertNotNull(t.answer, "no answer after " + t.sent + " bytes of body: the request still holds its thread");
        assertTrue(t.answer.startsWith("HTTP/1.1 408"), t.answer);
        assertTrue(t.answer.endsWith("\r\n\r\nerror: request body: not complete within the limit of 3 s"
                + " (the whole body must arrive within it)\n"), t.answer);
        assertTrue(t.sent < MAX_TRICKLE, "answered only when the client stopped: " + t.sent);
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            assertEquals(1, files.count(), "the store holds nothing but its directory");
        }
    }

    /**
     * A client that takes a download at most 64 KiB at a time, a read every {@link #GAP_MILLIS}: 350
     * reads (past the idle timeout) take at most 22 MiB of the 32 MiB artifact. Before the fix it
     * was still being sent to after them; now the server closes the connection at its download limit and the client
     * sees the end before the artifact's.
     */
    @Test
    void aDownloadTakenSlowlyIsClosedAtItsLimit() throws Exception {
        byte[] artifact = new byte[BIG];
        new Random(25).nextBytes(artifact);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
        HttpClient http = HttpClient.newHttpClient();
        URI uri = Fleet.uri(server).resolve("/admin/artifacts/" + sha);
        assertEquals(201, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Fleet.TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(artifact)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        long got = 0;
        int reads = 0;
        boolean ended = false;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /admin/artifacts/" + sha + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + Fleet.TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            while (reads < MAX_TRICKLE && !ended) {
                int r;
                try {
                    r = in.read(buf);
                } catch (IOException reset) {
                    r = -1;
                }
                if (r < 0) {
                    ended = true;
                } else {
                    got += r;
                    reads++;
                    Thread.sleep(GAP_MILLIS);
                }
            }
        }
        assertTrue(ended, "still being sent to after " + reads + " reads and " + got + " bytes");
        assertTrue(got < artifact.length, "closed before the artifact's end: " + got);
        // The server still serves.
        assertEquals(206, http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + Fleet.TOKEN)
                .header("Range", "bytes=0-9").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    /** What a trickling client got: the answer (null if none came while it sent) and how many pieces it sent. */
    private record Trickle(String answer, int sent) {}

    /** Sends {@code head}, then {@code piece} every {@link #GAP_MILLIS} until an answer comes or {@link #MAX_TRICKLE}. */
    private Trickle trickle(String head, String piece) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(GAP_MILLIS);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            int sent = 0;
            while (sent < MAX_TRICKLE) {
                try {
                    out.write(piece.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException closed) {
                    break; // the server answered and closed: read what it said
                }
                sent++;
                try {
                    int first = in.read();
                    if (first >= 0) {
                        return new Trickle(rest(s, in, first), sent);
                    }
                    return new Trickle("(closed without an answer)", sent);
                } catch (SocketTimeoutException quiet) {
                    // nothing from the server yet: send the next byte
                }
            }
            s.setSoTimeout(5000);
            try {
                int first = in.read();
                return new Trickle(first < 0 ? null : rest(s, in, first), sent);
            } catch (SocketTimeoutException stillReading) {
                return new Trickle(null, sent);
            }
        }
    }

    private static String rest(Socket s, InputStream in, int first) throws IOException {
        s.setSoTimeout(5000);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        byte[] buf = new byte[4096];
        try {
            for (int r; (r = in.read(buf)) > 0; ) {
                b.write(buf, 0, r);
                String text = b.toString(StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n\r\n") && text.endsWith("\n") && text.split("\r\n\r\n", 2)[1].endsWith("\n")
                        && !text.split("\r\n\r\n", 2)[1].isEmpty()) {
                    break;
                }
            }
        } catch (IOException reset) {
            // the server closed after its answer: what came is the answer
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
