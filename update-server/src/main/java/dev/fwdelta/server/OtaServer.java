// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.server.http.AddressLimit;
import dev.fwdelta.server.http.ConnectionCap;
import dev.fwdelta.server.http.HeaderDeadline;
import dev.fwdelta.server.http.OneLineErrors;
import dev.fwdelta.tool.transport.DeviceText;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.EndpointNotFound;
import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update server: device and admin APIs on Javalin (Jetty). It keeps no state of its own: all of
 * it is in the database and the artifact store, so any number of instances can share them.
 */
public final class OtaServer implements AutoCloseable {
    /** The header some clients send a method in; refused, not taken (see start). */
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    /**
     * Largest form body (register, check-in, report, add device): far above what they need. A
     * release's may be longer by its patches: {@link AdminApi#MAX_RELEASE_FORM_BYTES}.
     */
    static final int MAX_FORM_BYTES = 64 * 1024;

    /**
     * How long a request's line and headers may take to arrive, a form body (device or admin) and an
     * artifact upload, in all, and how long the client of a download may take to take it. Jetty's
     * idle timeout ends a client that stops; these end one that trickles.
     */
    record TimeLimits(Duration headers, Duration form, Duration upload, Duration download) {
        /**
         * Headers are a few hundred bytes and a form is at most {@link #MAX_FORM_BYTES}: a device on
         * a slow cellular link sends either, a TLS handshake included, well within the form's
         * limit, and a header limit longer than Jetty's idle timeout (30 s) leaves a connection that
         * sends nothing to be ended by it, as before. An upload is up to {@code --max-upload} from a
         * publisher, maybe over a slow uplink; a download is what the device model itself waits for
         * one at most (OtaDevice.DOWNLOAD_TOTAL_LIMIT), and a device that is cut off continues with a Range.
         */
        static final TimeLimits DEFAULT = new TimeLimits(Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofMinutes(10), Duration.ofMinutes(10));

        TimeLimits {
            for (Duration d : new Duration[] {headers, form, upload, download}) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("time limits must be positive: headers " + headers + ", form "
                            + form + ", upload " + upload + ", download " + download);
                }
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(OtaServer.class);

    /**
     * How to run one instance. {@code tlsKeystore}: a PKCS#12 file with the certificate, or null for
     * plain HTTP; {@code timeLimits}: how long request headers and a request body may take to
     * arrive and a download to be taken; {@code maxConnections}: how many connections may be open
     * at once (more wait to be accepted); {@code maxConnectionsPerAddress}: how many from one client
     * address (more are closed at once), if limited.
     */
    public record Settings(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path store,
                           String adminTokenHash, long maxUpload, String artifactBaseUrl, Path tlsKeystore,
                           String tlsPassword, Path webDir, String provisioningTokenHash,
                           TimeLimits timeLimits, int maxConnections, OptionalInt maxConnectionsPerAddress) {
        /**
         * With the default time limits (docs/OTA.md) and connection cap ({@link ConnectionCap#defaultMax}),
         * and no limit per address.
         */
        public Settings(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path store,
                        String adminTokenHash, long maxUpload, String artifactBaseUrl, Path tlsKeystore,
                        String tlsPassword, Path webDir, String provisioningTokenHash) {
            this(host, port, jdbcUrl, dbUser, dbPassword, store, adminTokenHash, maxUpload, artifactBaseUrl,
                    tlsKeystore, tlsPassword, webDir, provisioningTokenHash, TimeLimits.DEFAULT,
                    ConnectionCap.defaultMax(), OptionalInt.empty());
        }

        /** The same settings with other time limits. */
        Settings withTimeLimits(TimeLimits limits) {
            return new Settings(host, port, jdbcUrl, dbUser, dbPassword, store, adminTokenHash, maxUpload,
                    artifactBaseUrl, tlsKeystore, tlsPassword, webDir, provisioningTokenHash, limits, maxConnections,
                    maxConnectionsPerAddress);
        }

        /** The same settings with another connection cap. */
        public Settings withMaxConnections(int max) {
            return new Settings(host, port, jdbcUrl, dbUser, dbPassword, store, adminTokenHash, maxUpload,
                    artifactBaseUrl, tlsKeystore, tlsPassword, webDir, provisioningTokenHash, timeLimits, max,
                    maxConnectionsPerAddress);
        }

        /** The same settings with at most {@code max} connections from one client address. */
        public Settings withMaxConnectionsPerAddress(int max) {
            return new Settings(host, port, jdbcUrl, dbUser, dbPassword, store, adminTokenHash, maxUpload,
                    artifactBaseUrl, tlsKeystore, tlsPassword, webDir, provisioningTokenHash, timeLimits, maxConnections,
                    OptionalInt.of(max));
        }
    }

    private final Database db;
    private final Javalin app;

    private OtaServer(Database db, Javalin app) {
        this.db = db;
        this.app = app;
    }

    /**
     * Listens, then creates (or opens) and migrates the database and the artifact store: a port it
     * cannot listen on is refused before anything is created on disk, and a database or store that
     * fails removes what this start created (docs/CLI.md).
     */
    public static OtaServer start(Settings s) throws Exception {
        ArtifactLocation artifacts = ArtifactLocation.of(s.artifactBaseUrl());
        Backend backend = new Backend(s, artifacts);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_FORM_BYTES;
            // No compression: an artifact's answer states its Content-Length and Content-Range in
            // the artifact's bytes, and gzip (which Javalin applied to any client asking for it)
            // sent other bytes under them; the other answers are a line or two.
            config.http.disableCompression();
            // A method a route does not take is 405 (below), not "no such path" for a path that is there.
            config.http.prefer405over404 = true;
            config.jetty.modifyServer(server -> server.setErrorHandler(new OneLineErrors()));
            if (s.tlsKeystore() != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(s.tlsKeystore().toString());
                    tls.setKeyStorePassword(s.tlsPassword());
                    tls.setKeyStoreType("PKCS12");
                    // Javalin's HTTP configuration, as its plain connector has: without it Jetty's
                    // defaults named Jetty's version in every answer and read paths by other rules.
                    ServerConnector c = new ServerConnector(server, tls, new HttpConnectionFactory(httpConfig));
                    c.setHost(s.host());
                    c.setPort(s.port());
                    return c;
                });
            }
            if (s.webDir() != null) {
                config.staticFiles.add(web -> {
                    web.hostedPath = "/web";
                    web.directory = s.webDir().toAbsolutePath().toString();
                    web.location = Location.EXTERNAL;
                });
            }
        });
        // Javalin takes X-HTTP-Method-Override as the request's method, for routing too: a GET sent
        // with "HEAD" in it got a HEAD's answer (no body, the client waiting for one), a GET with
        // "PUT" ran the upload. Only the method on the request line counts.
        app.before(ctx -> {
            if (ctx.header(METHOD_OVERRIDE) != null) {
                throw HttpError.badRequest(METHOD_OVERRIDE + " is not taken: send the method itself");
            }
        });
        app.exception(HttpError.class, (e, ctx) -> {
            e.headers.forEach(ctx::header);
            ctx.status(e.status).contentType("text/plain").result("error: " + e.getMessage() + "\n");
        });
        // Anything else a route throws is the server's own failure (a store it cannot write, a database
        // gone): still 500, but the one line of every other error rather than Javalin's bare "Server
        // Error", and the cause in the log, for the operator (the client learns no paths).
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).contentType("text/plain").result("error: internal server error (the server's log says why)\n");
        });
        // A path no route serves: the one line of every other refusal (docs/OTA.md), not Javalin's own text.
        // The method as sent: Javalin's ctx.method() is INVALID for every one it does not know (PROPFIND, FOO).
        // Both are the client's text, escaped and capped: a raw U+202E in the path would reorder the line.
        app.exception(EndpointNotFound.class, (e, ctx) -> ctx.status(404).contentType("text/plain")
                .result("error: no such path: " + DeviceText.printable(ctx.req().getMethod() + " " + ctx.path()) + "\n"));
        // RFC 9110 15.5.6: a 405 names the methods allowed in Allow. Javalin puts them in its one
        // detail, "GET, HEAD", under a key that depends on the Accept header.
        app.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
            String allowed = String.join(", ", e.getDetails().values());
            ctx.status(405).header("Allow", allowed).contentType("text/plain").result("error: "
                    + DeviceText.printable(ctx.req().getMethod() + " " + ctx.path())
                    + ": the method is not allowed here, only " + allowed + "\n");
        });
        app.before(UnservedMethods::closeAfter);
        app.before(OtaServer::refuseRepeatedHeaders);
        app.beforeMatched(OtaServer::refuseUnexpectedQuery);
        // The handlers reach the database and store once they are open: after the sockets are.
        app.before("/admin/*", ctx -> backend.admin.authenticate(ctx));
        app.post("/admin/devices", ctx -> backend.admin.addDevice(ctx));
        getAndHead(app, "/admin/devices/{id}", ctx -> backend.admin.showDevice(ctx));
        app.put("/admin/artifacts/{sha}", ctx -> backend.admin.putArtifact(ctx));
        getAndHead(app, "/admin/artifacts/{sha}", ctx -> backend.admin.getArtifact(ctx));
        getAndHead(app, "/admin/images", ctx -> backend.admin.listImages(ctx));
        app.post("/admin/releases", ctx -> backend.admin.addRelease(ctx));
        app.post("/admin/releases/rollout", ctx -> backend.admin.changeRollout(ctx));
        app.post("/d/register", ctx -> backend.device.register(ctx));
        app.post("/d/checkin", ctx -> backend.device.checkin(ctx));
        getAndHead(app, "/d/artifacts/{sha}", ctx -> backend.device.download(ctx));
        app.post("/d/report", ctx -> backend.device.report(ctx));
        app.events(events -> events.serverStarting(() -> {
            limitHeaderTime(app, s.timeLimits().headers());
            ConnectionCap.install(app.jettyServer().server(), s.maxConnections());
            s.maxConnectionsPerAddress().ifPresent(max -> AddressLimit.install(app.jettyServer().server(), max));
            listen(app);
            backend.open();
        }));
        try {
            if (s.tlsKeystore() != null) {
                app.start();
            } else {
                app.start(s.host(), s.port());
            }
        } catch (Exception e) { // listen()'s or open()'s, unchecked to javac: they pass through Kotlin
            closeConnectors(app);
            backend.undo();
            if (backend.openFailure() != null) {
                throw backend.openFailure(); // as it is: it names the database or store, not the port
            }
            IOException failure = listenFailure(s, e);
            throw failure == null ? e : failure;
        }
        return new OtaServer(backend.db, app);
    }

    /** The request headers the server reads: each may be given once. */
    private static final List<String> SINGLE_HEADERS = List.of("Authorization", "Range", "If-Range", "Content-Type");

    /**
     * A header the server reads, given twice, is refused naming it (400): Jetty hands a route the
     * first, while a proxy in front may have checked the last, so which credentials or which Range
     * the request meant is not known.
     */
    private static void refuseRepeatedHeaders(Context ctx) {
        for (String name : SINGLE_HEADERS) {
            int n = Collections.list(ctx.req().getHeaders(name)).size();
            if (n > 1) {
                throw HttpError.badRequest(name + " is given " + n + " times: it may be given once");
            }
        }
    }

    /** The one route that reads a query string ({@code ?hw=N}); every other reads none. */
    private static final String QUERY_ROUTE = "/admin/images";

    /**
     * A query string on an API route that reads none is refused (400 naming it) rather than ignored:
     * fields put there (a check-in's hw) would go unread while the body's were used, or be taken for
     * missing. Not on the web page's files, which are no API (a browser may add a cache buster).
     */
    private static void refuseUnexpectedQuery(Context ctx) {
        String query = ctx.queryString();
        boolean api = ctx.path().startsWith("/d/") || ctx.path().startsWith("/admin/");
        if (api && query != null && !query.isEmpty() && !ctx.endpointHandlerPath().equals(QUERY_ROUTE)) {
            throw HttpError.badRequest("query string: " + DeviceText.printable(ctx.req().getMethod() + " " + ctx.path())
                    + " takes none (its fields go in the form body), got " + DeviceText.printable(query));
        }
    }

    /**
     * A GET route, and HEAD by the same handler (Jetty sends no body for HEAD). Javalin by itself
     * answers HEAD for a GET route with an empty 200 without running the route: no credentials
     * checked, and an artifact that does not exist or is not the device's reported as there with 0 bytes.
     */
    private static void getAndHead(Javalin app, String path, Handler handler) {
        app.get(path, handler);
        app.head(path, handler);
    }

    /**
     * Opens the listening sockets before Javalin starts Jetty, which would open them itself. Javalin
     * logs "Failed to start Javalin" on standard error when Jetty does not start, before the caller
     * hears of it; a port that is busy or an address that is not this machine's fails here instead,
     * before Javalin's attempt, so that the one line of {@link #listenFailure} is all that is printed.
     * Jetty takes the open sockets as they are. Nothing stays open when one fails.
     */
    private static void listen(Javalin app) throws IOException {
        try {
            for (Connector c : app.jettyServer().server().getConnectors()) {
                if (c instanceof NetworkConnector n) {
                    n.open();
                }
            }
        } catch (IOException | RuntimeException e) {
            closeConnectors(app);
            throw e;
        }
    }

    /** Every connector, HTTP or HTTPS, ends a connection whose request headers take longer than {@code limit}. */
    private static void limitHeaderTime(Javalin app, Duration limit) {
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof AbstractConnector a) {
                HeaderDeadline.install(a, limit);
            }
        }
    }

    private static void closeConnectors(Javalin app) {
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof NetworkConnector n) {
                n.close();
            }
        }
    }

    /**
     * A failure to listen (the port is busy, the address is not this machine's): an I/O error naming
     * host and port and the system's reason, one line (docs/CLI.md exit 5); null for anything else.
     */
    private static IOException listenFailure(Settings s, Exception e) {
        Throwable reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UnresolvedAddressException) {
                reason = t; // the innermost says why: "Address already in use"
            }
        }
        if (reason == null) {
            return null;
        }
        String why = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
        return new IOException("cannot listen on " + s.host() + ":" + s.port() + ": " + why, e);
    }

    public int port() {
        return app.port();
    }

    /**
     * The form fields of a request body, read within {@code limits}' form limit; each at most once,
     * except {@code patch} (read with {@code all}).
     */
    static FormBody form(Context ctx, TimeLimits limits) {
        return FormBody.read(ctx, MAX_FORM_BYTES, limits.form());
    }

    @Override
    public void close() {
        app.stop();
        db.close();
    }
}
