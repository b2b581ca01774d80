// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An update server the tests script to misbehave: it answers check-ins and reports as the test
 * says and serves artifacts by path, honestly unless a test replaces how a Range is answered. The
 * device model must survive each misbehaviour; nothing here is the real server's code.
 */
final class HostileUpdateServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=([0-9]+)-([0-9]+)");

    /**
     * What the server answers a POST: its status and body, and the length its headers declare: when
     * that is more than the body, the server sends the body and then stalls until it is closed.
     */
    record Answer(int status, byte[] body, int declared) {
        Answer(int status, byte[] body) {
            this(status, body, body.length);
        }

        static Answer ok(String text) {
            return new Answer(200, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    interface PostHandler {
        Answer answer(String form) throws IOException;
    }

    /** Answers a GET of {@code artifact} asked for {@code first..last} (clipped); writes the response itself. */
    interface RangeHandler {
        void answer(HttpExchange ex, byte[] artifact, int first, int last) throws IOException;
    }

    private final HttpServer http;
    final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    volatile PostHandler checkin = form -> Answer.ok("none");
    volatile PostHandler report = form -> Answer.ok("ok");
    /** Answers any request under /admin/ (its body given as the form). */
    volatile PostHandler admin = form -> new Answer(404, "error: no admin here".getBytes(StandardCharsets.UTF_8));
    volatile RangeHandler range = HostileUpdateServer::honest;
    /** Released when the server closes: what a stalled answer waits for. */
    private final CountDownLatch closing = new CountDownLatch(1);

    HostileUpdateServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-server");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    /** A check-in answer offering {@code artifact} (served at {@code path}) as {@code version}. */
    static String offer(long version, byte[] artifact, String path) {
        return "update " + version + " " + artifact.length + " "
                + HexFormat.of().formatHex(ImageChecksums.of(artifact).sha256()) + " " + path + "\n";
    }

    /** The honest answer: 206, the asked bytes, their Content-Range. */
    static void honest(HttpExchange ex, byte[] artifact, int first, int last) throws IOException {
        ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + artifact.length);
        send(ex, 206, Arrays.copyOfRange(artifact, first, last + 1));
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Sends {@code part} of a body whose headers are sent, then sends nothing more until the server closes. */
    void sendThenStall(HttpExchange ex, byte[] part) throws IOException {
        ex.getResponseBody().write(part);
        ex.getResponseBody().flush();
        try {
            closing.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            if (path.equals("/d/checkin") || path.equals("/d/report") || path.startsWith("/admin/")) {
                Answer a = (path.equals("/d/checkin") ? checkin : path.equals("/d/report") ? report : admin).answer(form);
                if (a.declared() > a.body().length) {
                    ex.sendResponseHeaders(a.status(), a.declared());
                    sendThenStall(ex, a.body());
                    return;
                }
                send(ex, a.status(), a.body());
                return;
            }
            byte[] artifact = artifacts.get(path);
            Matcher m = RANGE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
            if (artifact == null || !m.matches()) {
                send(ex, 404, "error: no such artifact".getBytes(StandardCharsets.UTF_8));
                return;
            }
            int first = Integer.parseInt(m.group(1));
            int last = (int) Math.min(Long.parseLong(m.group(2)), artifact.length - 1);
            range.answer(ex, artifact, first, last);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
    }
}
