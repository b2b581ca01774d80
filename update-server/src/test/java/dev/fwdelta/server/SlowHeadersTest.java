// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send a request's line and headers a byte at a time, never idle for Jetty's idle
 * timeout (30 s): the header limit must end them, or each keeps a connection (a socket, buffers)
 * open for as long as it likes. The server runs with a short header limit; the trickling client
 * would keep sending well past the idle timeout, so a connection ended before it stops can only
 * be the header limit's doing.
 */
class SlowHeadersTest {
    private static final Duration HEADER_LIMIT = Duration.ofSeconds(4);
    private static final int GAP_MILLIS = 100;
    /** Padding that makes a trickled request 40 s long at one byte per {@link #GAP_MILLIS}: past the idle timeout. */
    private static final String PADDING = "X-Padding: " + "p".repeat(300) + "\r\n";
    /** A body limit far above the header limit: a request whose body outlasts the header limit is not cut by it. */
    private static final OtaServer.TimeLimits LIMITS = new OtaServer.TimeLimits(HEADER_LIMIT, Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(60));

    @TempDir
    Path dir;

    private OtaServer plainServer() throws Exception {
        return OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), 1 << 20)
                .withTimeLimits(LIMITS));
    }

    private static String adminGet(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Fleet.TOKEN + "\r\n";
    }

    @Test
    void headersTrickledPastTheLimitEndTheConnection() throws Exception {
        try (OtaServer server = plainServer()) {
            byte[] request = (adminGet("/admin/images?hw=1") + PADDING + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                Trickle t = trickle(s, request);
                assertTrue(t.ended, "the server still held the connection after all " + t.sent + " bytes of headers");
                assertTrue(t.sent < request.length, "ended only after the whole request: " + t.sent);
                assertEquals("", t.answer, "closed without an answer (the request never began)");
                // The first bytes came long before the limit: the server took them, then closed.
                assertTrue(t.sent > 0, "closed before taking a byte");
            }
            // The server still serves.
            assertEquals(200, adminStatus(Fleet.uri(server), "/admin/images?hw=1"));
        }
    }

    @Test
    void headersTrickledOverTlsPastTheLimitEndTheConnection() throws Exception {
        Path p12 = TestCertificate.create(dir);
        OtaServer.Settings s = TestCertificate.httpsSettings(dir, p12).withTimeLimits(LIMITS);
        SSLContext tls = TestCertificate.trusting(p12);
        try (OtaServer server = OtaServer.start(s)) {
            int port = s.port();
            byte[] request = (adminGet("/admin/images?hw=1") + PADDING + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                socket.startHandshake();
                Trickle t = trickle(socket, request);
                assertTrue(t.ended, "the server still held the connection after all " + t.sent + " bytes of headers");
                assertTrue(t.sent < request.length, "ended only after the whole request: " + t.sent);
                assertEquals("", t.answer);
            }
            // A TLS handshake trickled (a record that announces 512 bytes, sent a byte at a time)
            // counts against the same limit: the connection opened when the TCP one did.
            byte[] handshake = new byte[400];
            System.arraycopy(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00}, 0, handshake, 0, 5);
            try (Socket raw = new Socket("127.0.0.1", port)) {
                Trickle t = trickle(raw, handshake);
                assertTrue(t.ended, "the server still held the connection after all " + t.sent + " bytes of handshake");
                assertTrue(t.sent < handshake.length, "ended only after the whole handshake: " + t.sent);
            }
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/admin/images?hw=1")).header("Authorization", "Bearer "
                    + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "the server still serves");
        }
    }

    /**
     * Two requests on one kept-alive connection, the headers of each sent in pieces over a little
     * more than half the limit: together they take longer than the limit, so both are answered only
     * if each has its own deadline. A third, trickled, is then ended by its own.
     */
    @Test
    void eachRequestOnAKeptAliveConnectionHasItsOwnDeadline() throws Exception {
        try (OtaServer server = plainServer(); Socket s = new Socket("127.0.0.1", server.port())) {
            long pieceGap = HEADER_LIMIT.toMillis() * 6 / 10 / 9;
            for (int i = 0; i < 2; i++) {
                sendInPieces(s.getOutputStream(), (adminGet("/admin/images?hw=1") + "\r\n").getBytes(
                        StandardCharsets.US_ASCII), 10, pieceGap);
                String answer = RawHttp.answer(s, 10_000);
                assertTrue(answer.startsWith("HTTP/1.1 200"), "request " + (i + 1) + ": " + answer);
            }
            byte[] third = (adminGet("/admin/images?hw=1") + PADDING + "\r\n").getBytes(StandardCharsets.US_ASCII);
            Trickle t = trickle(s, third);
            assertTrue(t.ended, "a third request trickled still held the connection after " + t.sent + " bytes");
            assertTrue(t.sent < third.length, "ended only after the whole request: " + t.sent);
        }
    }

    /**
     * The deadline is set again however a request ends, not only with a 200: after a 404, a 401, a
     * 400 for a repeated header, a HEAD, and the second of two requests sent at once (pipelined),
     * each answered on a kept-alive connection, a next request trickled is ended by its own
     * deadline. A request end the server did not hear of would leave the connection without one.
     * The connections trickle side by side.
     */
    @Test
    void everyWayARequestEndsLeavesTheNextUnderTheLimit() throws Exception {
        String auth = "Authorization: Bearer " + Fleet.TOKEN + "\r\n";
        Map<String, String> firstAndStatus = new LinkedHashMap<>();
        firstAndStatus.put("GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404");
        firstAndStatus.put("GET /admin/images?hw=1 HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 401");
        firstAndStatus.put(adminGet("/admin/images?hw=1") + "Range: bytes=0-1\r\nRange: bytes=0-2\r\n\r\n", "HTTP/1.1 400");
        firstAndStatus.put("HEAD /admin/images?hw=1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n", "HTTP/1.1 200");
        firstAndStatus.put("GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n" + adminGet("/admin/images?hw=1") + "\r\n",
                "HTTP/1.1 200");
        try (OtaServer server = plainServer()) {
            ExecutorService pool = Executors.newFixedThreadPool(firstAndStatus.size());
            try {
                List<Future<String>> outcomes = new ArrayList<>();
                for (Map.Entry<String, String> e : firstAndStatus.entrySet()) {
                    outcomes.add(pool.submit(() -> trickledAfter(server.port(), e.getKey(), e.getValue())));
                }
                for (Future<String> outcome : outcomes) {
                    assertEquals("ended", outcome.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Sends {@code first}, reads its last answer (expected to begin with {@code status}), then
     * trickles a next request: "ended" if the server ended the connection before it was whole and
     * without an answer, else what went otherwise.
     */
    private static String trickledAfter(int port, String first, String status) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
            String answer = "";
            for (int i = 0; i < first.split("\r\n\r\n").length; i++) {
                answer = first.startsWith("HEAD") ? headersOnly(s) : RawHttp.answer(s, 10_000);
            }
            if (!answer.startsWith(status)) {
                return first.lines().findFirst().orElse("") + ": answered " + answer;
            }
            byte[] next = (adminGet("/admin/images?hw=1") + PADDING + "\r\n").getBytes(StandardCharsets.US_ASCII);
            Trickle t = trickle(s, next);
            if (!t.ended || t.sent == next.length || !t.answer.isEmpty()) {
                return "after " + status + " to " + first.lines().findFirst().orElse("") + ": " + t;
            }
            return "ended";
        }
    }

    /** The headers of an answer to HEAD: its Content-Length announces a body that does not come. */
    private static String headersOnly(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = s.getInputStream().read();
            if (b < 0) {
                return "(closed after: " + head.toString(StandardCharsets.ISO_8859_1) + ")";
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * The limit is on the headers alone: an upload whose body takes longer than the header limit
     * (but not its own) is stored, and a check-in, an admin request, GET and HEAD of an artifact
     * answer as ever.
     */
    @Test
    void requestsWithinTheLimitAreServedWhateverTheirBodyTakes() throws Exception {
        try (OtaServer server = plainServer()) {
            URI uri = Fleet.uri(server);
            byte[] artifact = new byte[200];
            Arrays.fill(artifact, (byte) 'a');
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact));
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                sendInPieces(s.getOutputStream(), ("PUT /admin/artifacts/" + sha + " HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer " + Fleet.TOKEN + "\r\nContent-Length: " + artifact.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII), 5, HEADER_LIMIT.toMillis() / 20);
                // The body over one and a half times the header limit.
                sendInPieces(s.getOutputStream(), artifact, 20, HEADER_LIMIT.toMillis() * 3 / 2 / 19);
                String answer = RawHttp.answer(s, 10_000);
                assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
            }
            String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-headers", "default");
            assertEquals("none", Fleet.checkin(uri, "dev-headers", secret, "0".repeat(64)));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(uri.resolve("/admin/artifacts/" + sha))
                    .header("Authorization", "Bearer " + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, get.statusCode());
            assertTrue(Arrays.equals(artifact, get.body()), "the artifact as uploaded");
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri.resolve("/admin/artifacts/" + sha))
                    .header("Authorization", "Bearer " + Fleet.TOKEN).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(artifact.length), head.headers().firstValue("Content-Length").orElse("none"));
        }
    }

    /** A device's check-in, then GET and HEAD of the artifact it is offered, under the short header limit. */
    @Test
    void aDeviceChecksInAndDownloadsAsEver() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = plainServer()) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            Fleet.Device d = fleet.new Device(uri, "dev-dl", "default", fleet.v0, 1);
            CheckinAnswer offer = CheckinAnswer.parse(Fleet.checkin(uri, d.id, d.secret,
                    OtaDevice.Installed.of(1, fleet.v0).sha256()) + "\n", 1 << 20);
            assertNotNull(offer, "the device on v0 is offered an update");
            String auth = "Basic " + Base64.getEncoder().encodeToString((d.id + ":" + d.secret)
                    .getBytes(StandardCharsets.UTF_8));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(uri.resolve(offer.url()))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, get.statusCode());
            assertEquals(offer.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(get.body())));
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri.resolve(offer.url()))
                    .header("Authorization", auth).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElse("none"));
        }
    }

    /** What a trickling client saw: whether the server ended the connection, after how many bytes, and what it answered. */
    private record Trickle(boolean ended, int sent, String answer) {}

    /**
     * Sends {@code bytes} one every {@link #GAP_MILLIS}, looking after each for the server's end
     * of the connection (EOF, a reset, a write refused) or an answer.
     */
    private static Trickle trickle(Socket s, byte[] bytes) throws IOException, InterruptedException {
        s.setSoTimeout(GAP_MILLIS);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int sent = 0;
        while (sent < bytes.length) {
            try {
                out.write(bytes[sent]);
                out.flush();
            } catch (IOException closed) {
                return new Trickle(true, sent, answer.toString(StandardCharsets.ISO_8859_1));
            }
            sent++;
            try {
                int b = in.read();
                if (b < 0) {
                    return new Trickle(true, sent, answer.toString(StandardCharsets.ISO_8859_1));
                }
                answer.write(b);
            } catch (SocketTimeoutException quiet) {
                // nothing from the server: send the next byte
            } catch (IOException reset) {
                return new Trickle(true, sent, answer.toString(StandardCharsets.ISO_8859_1));
            }
        }
        return new Trickle(false, sent, answer.toString(StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code bytes} in {@code pieces} nearly equal pieces, {@code gapMillis} apart. */
    private static void sendInPieces(OutputStream out, byte[] bytes, int pieces, long gapMillis)
            throws IOException, InterruptedException {
        for (int i = 0; i < pieces; i++) {
            if (i > 0) {
                Thread.sleep(gapMillis);
            }
            int from = (int) ((long) bytes.length * i / pieces);
            int to = (int) ((long) bytes.length * (i + 1) / pieces);
            out.write(bytes, from, to - from);
            out.flush();
        }
    }

    private static int adminStatus(URI uri, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve(path))
                .header("Authorization", "Bearer " + Fleet.TOKEN).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
