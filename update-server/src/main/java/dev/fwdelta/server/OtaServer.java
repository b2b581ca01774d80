// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.server.http.OneLineErrors;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.EndpointNotFound;
import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The update server: device and admin APIs on Javalin (Jetty). It keeps no state of its own: all of
 * it is in the database and the artifact store, so any number of instances can share them.
 */
public final class OtaServer implements AutoCloseable {
    /**
     * Largest form body (register, check-in, report, add device): far above what they need. A
     * release's may be longer by its patches: {@link AdminApi#MAX_RELEASE_FORM_BYTES}.
     */
    static final int MAX_FORM_BYTES = 64 * 1024;

    /** How to run one instance. {@code tlsKeystore}: a PKCS#12 file with the certificate, or null for plain HTTP. */
    public record Settings(String host, int port, String jdbcUrl, String dbUser, String dbPassword, Path store,
                           String adminTokenHash, long maxUpload, String artifactBaseUrl, Path tlsKeystore,
                           String tlsPassword, Path webDir, String provisioningTokenHash) {}

    private final Database db;
    private final Javalin app;

    private OtaServer(Database db, Javalin app) {
        this.db = db;
        this.app = app;
    }

    /** Migrates the database, then listens. */
    public static OtaServer start(Settings s) throws Exception {
        ArtifactLocation artifacts = ArtifactLocation.of(s.artifactBaseUrl());
        Database db = new Database(s.jdbcUrl(), s.dbUser(), s.dbPassword());
        ArtifactStore store = new ArtifactStore(s.store());
        DeviceApi device = new DeviceApi(db, store, artifacts, s.provisioningTokenHash());
        AdminApi admin = new AdminApi(db, store, s.adminTokenHash(), s.maxUpload());
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_FORM_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new OneLineErrors()));
            if (s.tlsKeystore() != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStorePath(s.tlsKeystore().toString());
                    tls.setKeyStorePassword(s.tlsPassword());
                    tls.setKeyStoreType("PKCS12");
                    ServerConnector c = new ServerConnector(server, tls);
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
        app.exception(HttpError.class, (e, ctx) -> {
            e.headers.forEach(ctx::header);
            ctx.status(e.status).contentType("text/plain").result("error: " + e.getMessage() + "\n");
        });
        // A path no route serves: the one line of every other refusal (docs/OTA.md), not Javalin's own text.
        app.exception(EndpointNotFound.class, (e, ctx) -> ctx.status(404).contentType("text/plain")
                .result("error: no such path: " + ctx.method() + " " + ctx.path() + "\n"));
        app.before("/admin/*", admin::authenticate);
        app.post("/admin/devices", admin::addDevice);
        app.get("/admin/devices/{id}", admin::showDevice);
        app.put("/admin/artifacts/{sha}", admin::putArtifact);
        app.get("/admin/artifacts/{sha}", admin::getArtifact);
        app.get("/admin/images", admin::listImages);
        app.post("/admin/releases", admin::addRelease);
        app.post("/admin/releases/rollout", admin::changeRollout);
        app.post("/d/register", device::register);
        app.post("/d/checkin", device::checkin);
        app.get("/d/artifacts/{sha}", device::download);
        app.post("/d/report", device::report);
        app.events(events -> events.serverStarting(() -> listen(app)));
        try {
            if (s.tlsKeystore() != null) {
                app.start();
            } else {
                app.start(s.host(), s.port());
            }
        } catch (Exception e) { // the IOException of listen(), unchecked to javac: it passes through Kotlin
            db.close();
            throw listenFailure(s, e);
        }
        return new OtaServer(db, app);
    }

    /**
     * Opens the listening sockets before Javalin starts Jetty, which would open them itself. Javalin
     * logs "Failed to start Javalin" on standard error when Jetty does not start, before the caller
     * hears of it; a port that is busy or an address that is not this machine's fails here instead,
     * before Javalin's attempt, so that the one line of {@link #listenFailure} is all that is printed.
     * Jetty takes the open sockets as they are. Nothing stays open when one fails.
     */
    private static void listen(Javalin app) throws IOException {
        Connector[] connectors = app.jettyServer().server().getConnectors();
        try {
            for (Connector c : connectors) {
                if (c instanceof NetworkConnector n) {
                    n.open();
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Connector c : connectors) {
                if (c instanceof NetworkConnector n) {
                    n.close();
                }
            }
            throw e;
        }
    }

    /**
     * A failure to listen (the port is busy, the address is not this machine's): an I/O error naming
     * host and port and the system's reason, one line (docs/CLI.md exit 5); anything else as it is.
     */
    private static Exception listenFailure(Settings s, Exception e) {
        Throwable reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UnresolvedAddressException) {
                reason = t; // the innermost says why: "Address already in use"
            }
        }
        if (reason == null) {
            return e;
        }
        String why = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
        return new IOException("cannot listen on " + s.host() + ":" + s.port() + ": " + why, e);
    }

    public int port() {
        return app.port();
    }

    /** The form fields of a request body; each at most once, except {@code patch} (read with {@code all}). */
    static FormBody form(Context ctx) {
        return FormBody.read(ctx, MAX_FORM_BYTES);
    }

    @Override
    public void close() {
        app.stop();
        db.close();
    }
}
