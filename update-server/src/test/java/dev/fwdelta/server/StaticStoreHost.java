// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static HTTP server over an artifact store's directory, as a CDN holding a copy of the store is
 * for {@code --artifact-base-url}: {@code /PREFIX/ab/SHA256}, whole or one {@code bytes=FIRST-LAST}
 * range. It is another host than the update server (another port on loopback), so it logs what
 * each request brought: the tests check that no device credentials reach it.
 */
final class StaticStoreHost implements AutoCloseable {
    /** One request as the host saw it; {@code authorization} null when the request had none. */
    record Request(String path, String authorization) {}

    private static final Pattern ARTIFACT = Pattern.compile("([0-9a-f]{2})/([0-9a-f]{64})");
    private static final Pattern RANGE = Pattern.compile("bytes=([0-9]+)-([0-9]+)");

    private final Path store;
    private final String prefix;
    private final HttpServer http;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** {@code prefix}: the path the store is published under, with its leading and trailing slash. */
    StaticStoreHost(Path store, String prefix) throws IOException {
        this.store = store;
        this.prefix = prefix;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::serve);
        http.start();
    }

    /** The store's URL on this host, ending with the prefix's slash. */
    String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + prefix;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            requests.add(new Request(path, ex.getRequestHeaders().getFirst("Authorization")));
            Matcher m = ARTIFACT.matcher(path.startsWith(prefix) ? path.substring(prefix.length()) : "");
            Path file = m.matches() && m.group(2).startsWith(m.group(1)) ? store.resolve(m.group(1)).resolve(m.group(2)) : null;
            if (file == null || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] all = Files.readAllBytes(file);
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher r = range == null ? null : RANGE.matcher(range);
            byte[] body = all;
            int status = 200;
            if (r != null && r.matches()) {
                int first = Integer.parseInt(r.group(1));
                int last = Math.min(Integer.parseInt(r.group(2)), all.length - 1);
                body = Arrays.copyOfRange(all, first, last + 1);
                status = 206;
                ex.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + all.length);
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
