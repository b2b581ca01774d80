// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests get a 4xx with one line saying why, and leave nothing behind. One server and one
 * published fleet for the whole class (publishing is the slow part); each test uses its own device ids
 * and compares the store before and after.
 */
class OtaServerBadInputTest {
    private static final long MAX_UPLOAD = 256 * 1024;

    @TempDir
    static Path dir;

    private static Fleet fleet;
    private static OtaServer server;
    private static URI uri;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fleet = new Fleet(dir);
        server = OtaServer.start(Fleet.settings("jdbc:sqlite:" + dir.resolve("db"), dir.resolve("store"), MAX_UPLOAD));
        uri = Fleet.uri(server);
        fleet.publishAll(uri);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(uri.resolve(path));
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder form(String path, String auth, String body) {
        return req(path).header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Files and directories in the store: a refused request leaves neither (an empty {@code ab/} included). */
    private long storedFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.count();
        }
    }

    /** A path no route serves is refused in the one-line form of every other refusal, not Javalin's own text. */
    @Test
    void anUnknownPathIsOneErrorLine() throws Exception {
        HttpResponse<String> get = send(req("/no/such/path"));
        assertEquals(404, get.statusCode());
        assertEquals("error: no such path: GET /no/such/path\n", get.body());
        HttpResponse<String> admin = send(req("/admin/nothing").header("Authorization", "Bearer " + Fleet.TOKEN));
        assertEquals(404, admin.statusCode());
        assertEquals("error: no such path: GET /admin/nothing\n", admin.body());
    }

    @Test
    void wrongSecretOrUnknownDeviceIs401() throws Exception {
        String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-1", "default");
        String ok = "hw=" + Fleet.HW + "&ver=2&sha=" + "0".repeat(64);
        assertEquals(200, send(form("/d/checkin", basic("dev-1", secret), ok)).statusCode());
        HttpResponse<String> wrong = send(form("/d/checkin", basic("dev-1", secret.replace('a', 'b') + "x"), ok));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().startsWith("error: unknown device or wrong secret"), wrong.body());
        assertEquals(401, send(form("/d/checkin", basic("nobody", secret), ok)).statusCode());
        assertEquals(401, send(form("/d/checkin", "Basic %%%", ok)).statusCode());
        assertEquals(401, send(req("/admin/images?hw=1").header("Authorization", "Bearer wrong")).statusCode());
        assertEquals(401, send(req("/admin/images?hw=1")).statusCode());
        // A device secret is not an admin token.
        assertEquals(401, send(req("/admin/images?hw=1").header("Authorization", "Bearer " + secret)).statusCode());
    }

    @Test
    void provisioningRegistersNewDevicesOnly() throws Exception {
        String good = "Bearer " + Fleet.PROVISIONING;
        HttpResponse<String> r = send(form("/d/register", good, "id=fresh-1&group=beta"));
        assertEquals(200, r.statusCode(), r.body());
        String secret = r.body().strip();
        assertEquals("none\n", send(form("/d/checkin", basic("fresh-1", secret), "hw=" + Fleet.HW + "&ver=3&sha="
                + sha(fleet.v2))).body());
        // The same id again, even with the token, is not re-keyed; the old secret still works.
        assertEquals(409, send(form("/d/register", good, "id=fresh-1")).statusCode());
        assertEquals(200, send(form("/d/checkin", basic("fresh-1", secret), "hw=" + Fleet.HW + "&ver=3&sha="
                + sha(fleet.v2))).statusCode());
        assertEquals(401, send(form("/d/register", "Bearer wrong", "id=fresh-2")).statusCode());
        assertEquals(401, send(form("/d/register", "Bearer " + Fleet.TOKEN, "id=fresh-2")).statusCode());
        assertEquals(400, send(form("/d/register", good, "id=../x")).statusCode());
        // A bad escape is refused, not dropped: the group would silently become the default.
        HttpResponse<String> escape = send(form("/d/register", good, "id=fresh-3&group=%zz"));
        assertEquals(400, escape.statusCode(), escape.body());
        assertTrue(escape.body().startsWith("error: group is not URL-encoded"), escape.body());
        assertEquals(404, send(req("/admin/devices/fresh-2").header("Authorization", "Bearer " + Fleet.TOKEN))
                .statusCode());
    }

    @Test
    void aDeviceSeesOnlyItsOwnUpdate() throws Exception {
        Fleet.Device a = fleet.new Device(uri, "dev-a", "default", fleet.v0, 1);
        String secretB = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-b", "default");
        // dev-a is offered the v0 -> v2 patch; dev-b runs v2 and is offered nothing.
        String answer = send(form("/d/checkin", basic("dev-a", adminSecret(a)), "hw=" + Fleet.HW + "&ver=1&sha="
                + a.installed.sha256())).body();
        assertTrue(answer.startsWith("update 3 "), answer);
        String url = answer.strip().split(" ")[4];
        assertEquals("none\n", send(form("/d/checkin", basic("dev-b", secretB), "hw=" + Fleet.HW + "&ver=3&sha="
                + OtaDevice.Installed.of(3, fleet.v2).sha256())).body());
        HttpResponse<String> other = send(req(url).header("Authorization", basic("dev-b", secretB)));
        assertEquals(404, other.statusCode());
        assertEquals(200, send(req(url).header("Authorization", basic("dev-a", adminSecret(a)))).statusCode());
        assertEquals(401, send(req(url)).statusCode());
    }

    /** The device's secret: re-keyed here so the test can speak HTTP for it. */
    private String adminSecret(Fleet.Device d) throws Exception {
        if (secrets.containsKey(d.id)) {
            return secrets.get(d.id);
        }
        String s = new AdminClient(uri, Fleet.TOKEN).addDevice(d.id, "default");
        secrets.put(d.id, s);
        return s;
    }

    private final Map<String, String> secrets = new HashMap<>();

    @Test
    void hugeUploadIs413AndLeavesNothing() throws Exception {
        long before = storedFiles();
        byte[] big = new byte[(int) MAX_UPLOAD + 1];
        String sha = sha(big);
        HttpResponse<String> r = send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertEquals(413, r.statusCode(), r.body());
        // Without a Content-Length (chunked), the limit is enforced while streaming.
        HttpResponse<String> chunked = send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals(before, storedFiles());
        assertEquals(404, send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN))
                .statusCode());
        // A body that does not hash to its name is refused too.
        HttpResponse<String> lie = send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])));
        assertEquals(400, lie.statusCode(), lie.body());
        assertEquals(before, storedFiles());
        // A form body over the limit.
        String huge = "id=" + "a".repeat(OtaServer.MAX_FORM_BYTES + 10);
        assertEquals(413, send(form("/admin/devices", "Bearer " + Fleet.TOKEN, huge)).statusCode());
    }

    /**
     * A chunked body has no Content-Length, so the form limit must hold on the bytes read: a device's
     * credentials (or the provisioning token) must not let it fill the server's heap.
     */
    @Test
    void chunkedFormBodyOverTheLimitIs413() throws Exception {
        String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-chunked", "default");
        byte[] huge = ("hw=1&ver=" + "9".repeat(16 * OtaServer.MAX_FORM_BYTES)).getBytes(StandardCharsets.US_ASCII);
        for (String[] route : new String[][] {{"/d/checkin", basic("dev-chunked", secret)}, {"/d/report",
            basic("dev-chunked", secret)}, {"/d/register", "Bearer " + Fleet.PROVISIONING}}) {
            HttpResponse<String> r = send(req(route[0]).header("Authorization", route[1])
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))));
            assertEquals(413, r.statusCode(), route[0] + ": " + r.body());
            assertTrue(r.body().contains(String.valueOf(OtaServer.MAX_FORM_BYTES)), r.body());
        }
        // The server still serves, and a chunked body within the limit is read as a form.
        byte[] small = ("hw=" + Fleet.HW + "&ver=3&sha=" + sha(fleet.v2)).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> ok = send(req("/d/checkin").header("Authorization", basic("dev-chunked", secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small))));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("none\n", ok.body());
    }

    @Test
    void pathTraversalNeverReachesTheFileSystem() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "not for you");
        String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-t", "default");
        long before = storedFiles();
        for (String evil : new String[] {"..%2F..%2Fsecret.txt", "..%2Fdb", "%2E%2E%2Fsecret.txt",
            "0000000000000000000000000000000000000000000000000000000000000000%2F..%2F..%2Fsecret.txt"}) {
            HttpResponse<String> r = send(req("/admin/artifacts/" + evil).header("Authorization", "Bearer " + Fleet.TOKEN));
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, evil + ": " + r.statusCode());
            assertTrue(!r.body().contains("not for you"));
            HttpResponse<String> d = send(req("/d/artifacts/" + evil).header("Authorization", basic("dev-t", secret)));
            assertTrue(d.statusCode() == 400 || d.statusCode() == 404, evil + ": " + d.statusCode());
            HttpResponse<String> put = send(req("/admin/artifacts/" + evil).header("Authorization", "Bearer " + Fleet.TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofString("x")));
            assertTrue(put.statusCode() == 400 || put.statusCode() == 404, evil + ": " + put.statusCode());
        }
        // Raw request lines, which an HTTP client would normalise.
        for (String path : new String[] {"/admin/artifacts/../../secret.txt", "/d/artifacts/../../../secret.txt"}) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Fleet.TOKEN
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 4"), path + ": " + answer.lines().findFirst().orElse(""));
            assertTrue(!answer.contains("not for you"));
        }
        assertEquals(before, storedFiles());
        assertEquals(400, send(form("/admin/devices", "Bearer " + Fleet.TOKEN, "id=..%2F..%2Fx")).statusCode());
    }

    private String raw(String request) throws IOException {
        return raw(request, false);
    }

    /** {@code halfClose}: the client then sends no more (as one that stops mid-body), and reads the answer. */
    private String raw(String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                s.shutdownOutput();
            }
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * An upload cut short (fewer bytes than its Content-Length, then the client stops sending) or
     * with a malformed chunk is the client's fault: 400 and the one line the form endpoints give for
     * the same failure, not a 500 with an empty body; nothing is kept.
     */
    @Test
    void anUploadThatCannotBeReadIs400AndKeepsNothing() throws Exception {
        long before = storedFiles();
        String sha = sha("hello".getBytes(StandardCharsets.US_ASCII));
        String head = "PUT /admin/artifacts/" + sha + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Fleet.TOKEN
                + "\r\nConnection: close\r\n";
        String[] cut = raw(head + "Content-Length: 1000\r\n\r\nabc", true).split("\r\n\r\n", 2);
        assertTrue(cut[0].startsWith("HTTP/1.1 400"), cut[0]);
        assertEquals("error: request body could not be read: Early EOF\n", cut[1]);
        String[] chunk = raw(head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\n\r\n")
                .split("\r\n\r\n", 2);
        assertTrue(chunk[0].startsWith("HTTP/1.1 400"), chunk[0]);
        assertEquals("error: request body could not be read: Early EOF\n", chunk[1], "Jetty's word for both");
        assertEquals(before, storedFiles());
        assertEquals(404, send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN))
                .statusCode());
    }

    @Test
    void malformedBodiesAre400AndStoreNothing() throws Exception {
        String secret = new AdminClient(uri, Fleet.TOKEN).addDevice("dev-m", "default");
        String admin = "Bearer " + Fleet.TOKEN;
        String[] checkins = {"{\"hw\": 1, \"ver\": 2", "hw=1&ver=2", "hw=1&ver=-2&sha=" + "a".repeat(64),
            "hw=99999999999&ver=2&sha=" + "a".repeat(64), "hw=1&ver=2&sha=" + "A".repeat(64), "\u0000\u0001\u00ff",
            "hw=1&hw=2&ver=2&sha=" + "a".repeat(64)};
        for (String body : checkins) {
            HttpResponse<String> r = send(form("/d/checkin", basic("dev-m", secret), body));
            assertEquals(400, r.statusCode(), body + ": " + r.body());
            assertTrue(r.body().startsWith("error: "), r.body());
        }
        assertEquals(400, send(form("/d/report", basic("dev-m", secret), "ver=3&status=exploded")).statusCode());
        long before = storedFiles();
        String[] releases = {"{\"hw\": 1}", "hw=1&ver=9&image=" + "a".repeat(64) + "&full=" + "a".repeat(64),
            "hw=1&ver=9&image=zz&full=zz", "hw=" + Fleet.HW + "&ver=9&image=" + sha(fleet.v2) + "&full=" + sha(fleet.v2)
                + "&rollout=percent:101"};
        for (String body : releases) {
            HttpResponse<String> r = send(form("/admin/releases", admin, body));
            assertEquals(400, r.statusCode(), body + ": " + r.body());
        }
        // Nothing was recorded: a device on v2 still has nothing to do, and no file appeared.
        assertEquals("none\n", send(form("/d/checkin", basic("dev-m", secret), "hw=" + Fleet.HW + "&ver=3&sha="
                + sha(fleet.v2))).body());
        assertEquals(before, storedFiles());
        String status = new AdminClient(uri, Fleet.TOKEN).device("dev-m");
        assertTrue(status.endsWith("null null"), "no report stored: " + status);
    }

    /**
     * A store the server cannot write is the server's fault: 500, but with the one line of every
     * other error and the failure in the server's log, not an empty answer and silence. Its {@code ab/}
     * directory is taken by a file here (a read-only directory does not stop root).
     */
    @Test
    void aStoreThatCannotBeWrittenIs500WithOneLineAndALogLine() throws Exception {
        byte[] body = new byte[] {0};
        while (Files.exists(dir.resolve("store").resolve(sha(body).substring(0, 2)))) {
            body[0]++; // an artifact whose ab/ the published fleet does not use already
        }
        String sha = sha(body);
        Path blocker = Files.createFile(dir.resolve("store").resolve(sha.substring(0, 2)));
        long before = storedFiles();
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        HttpResponse<String> r;
        try {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            r = send(req("/admin/artifacts/" + sha).header("Authorization", "Bearer " + Fleet.TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        } finally {
            System.setErr(stderr);
            Files.delete(blocker);
        }
        assertEquals(500, r.statusCode(), r.body());
        assertTrue(r.body().matches("error: [^\n]+\n"), r.body());
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("PUT /admin/artifacts/" + sha) && logged.contains("FileAlreadyExistsException"),
                logged);
        assertEquals(before - 1, storedFiles(), "no upload left behind");
    }

    /** Query strings follow the form body's rules (docs/OTA.md, Conventions). */
    @Test
    void aQueryFieldGivenTwiceOrABadEscapeIs400() throws Exception {
        HttpResponse<String> twice = send(req("/admin/images?hw=1&hw=2").header("Authorization", "Bearer " + Fleet.TOKEN));
        assertEquals(400, twice.statusCode(), twice.body());
        assertEquals("error: hw is given 2 times\n", twice.body());
        // Raw request lines: the HTTP client refuses to send a bad escape.
        String[] escape = rawGet("/admin/images?hw=1&x=%");
        assertTrue(escape[0].startsWith("HTTP/1.1 400"), escape[0]);
        assertEquals("error: x is not URL-encoded: a % must start a %XX escape\n", escape[1]);
        String[] value = rawGet("/admin/images?hw=%zz");
        assertTrue(value[0].startsWith("HTTP/1.1 400"), value[0]);
        assertTrue(value[1].startsWith("error: hw is not URL-encoded"), value[1]);
        assertEquals(200, send(req("/admin/images?hw=%31").header("Authorization", "Bearer " + Fleet.TOKEN)).statusCode());
    }

    /** A path Jetty cannot decode is refused before any route: still with the one-line error. */
    @Test
    void aMalformedPathIsTheOneLineError() throws Exception {
        for (String path : new String[] {"/admin/devices/%zz", "/d/artifacts/%", "/admin/images%ZZ?hw=1"}) {
            String[] answer = rawGet(path);
            assertTrue(answer[0].startsWith("HTTP/1.1 400"), path + ": " + answer[0]);
            assertTrue(answer[0].toLowerCase(Locale.ROOT).contains("content-type: text/plain"), path + ": " + answer[0]);
            assertTrue(answer[1].matches("error: [^\n]+\n"), path + ": " + answer[1]);
        }
        assertEquals("error: malformed HTTP request: the request line or a header does not parse (in a path, a %"
                + " must start a %XX escape, and .. must not climb above the root)\n", rawGet("/admin/devices/%zz")[1],
                "as docs/OTA.md shows");
    }

    /** The head and the body of the answer to a GET with the admin token, sent as it is written. */
    private String[] rawGet(String path) throws IOException {
        return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Fleet.TOKEN
                + "\r\nConnection: close\r\n\r\n").split("\r\n\r\n", 2);
    }

    @Test
    void badRangeIs416() throws Exception {
        Fleet.Device a = fleet.new Device(uri, "dev-r", "default", fleet.v0, 1);
        String secret = adminSecret(a);
        String answer = send(form("/d/checkin", basic("dev-r", secret), "hw=" + Fleet.HW + "&ver=1&sha="
                + a.installed.sha256())).body();
        String[] p = answer.strip().split(" ");
        for (String range : new String[] {"bytes=" + p[2] + "-", "bytes=5-2", "bytes=-5", "items=0-1", "bytes=0-1,4-5"}) {
            HttpResponse<String> r = send(req(p[4]).header("Authorization", basic("dev-r", secret)).header("Range", range));
            assertEquals(416, r.statusCode(), range);
            // RFC 9110 15.5.17: the client learns the size it may ask within.
            assertEquals("bytes */" + p[2], r.headers().firstValue("Content-Range").orElse("none"), range);
            assertTrue(r.body().startsWith("error: Range "), range + ": " + r.body());
        }
        HttpResponse<String> admin = send(req("/admin/artifacts/" + p[3]).header("Authorization", "Bearer " + Fleet.TOKEN)
                .header("Range", "bytes=" + p[2] + "-" + p[2]));
        assertEquals(416, admin.statusCode(), admin.body());
        assertEquals("bytes */" + p[2], admin.headers().firstValue("Content-Range").orElse("none"));
        HttpResponse<byte[]> part = http.send(req(p[4]).header("Authorization", basic("dev-r", secret))
                .header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, part.statusCode());
        assertEquals(10, part.body().length);
        assertEquals("bytes 10-19/" + p[2], part.headers().firstValue("Content-Range").orElse(""));
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
