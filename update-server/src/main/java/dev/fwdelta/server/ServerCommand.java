// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.server.http.ConnectionCap;
import dev.fwdelta.server.publish.AdminOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import dev.fwdelta.tool.cli.ByteSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "server", mixinStandardHelpOptions = true, subcommands = ServerCommand.AddDevice.class,
        description = {"Run the update server (docs/OTA.md). With no options: SQLite and artifacts in ./fwdelta-server.",
            "  fwdelta server [--port 8080] [--data DIR | --db jdbc:postgresql://... --store DIR]",
            "  fwdelta server add-device --server URL --id ID [--group G]"})
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on, 0 to 65535 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "fwdelta-server", paramLabel = "DIR",
            description = "Embedded setup: DIR/fwdelta.db (SQLite) and DIR/artifacts (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC-URL", description = "Another database, e.g. jdbc:postgresql://host/db.")
    String db;

    @Option(names = "--db-user", paramLabel = "USER", description = "User name for --db (its password: --db-password-env).")
    String dbUser;

    @Option(names = "--db-password-env", paramLabel = "VAR", description = "Environment variable holding the DB password.")
    String dbPasswordEnv;

    @Option(names = "--store", paramLabel = "DIR", description = "Artifact directory (shared by all instances).")
    Path store;

    @Option(names = "--artifact-base-url", paramLabel = "URL",
            description = "Point downloads at a static copy of the store (CDN): URL/ab/SHA256 (ab: the hash's first "
                + "two hex digits). An absolute http(s) URL; devices send it no credentials.")
    String artifactBaseUrl;

    @Option(names = "--max-upload", defaultValue = "64M", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Largest artifact upload (default: ${DEFAULT-VALUE}).")
    long maxUpload;
    /** The smallest --max-upload: no patch is smaller than its compact header (0 refused every upload). */
    static final long MIN_MAX_UPLOAD = Limits.MIN_COMPACT_HEADER_SIZE;
    /** The largest: a patch's header and the largest payload the format allows. */
    static final long MAX_MAX_UPLOAD = Limits.HEADER_SIZE + Limits.MAX_PAYLOAD_LENGTH;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Most connections open at once; more wait to be accepted (default: "
                + ConnectionCap.DEFAULT_MAX + ", or fewer if this process may open fewer files).")
    Integer maxConnections;
    /** The smallest --max-connections: a server that accepts no connection serves nobody. */
    static final int MIN_MAX_CONNECTIONS = 1;
    /** The largest: more than a Linux process may open files by default (fs.nr_open) cannot be reached. */
    static final int MAX_MAX_CONNECTIONS = 1_000_000;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "Most connections open at once from one client address; more are closed at once (default:"
                + " no limit, as devices behind a carrier's NAT share addresses). " + MIN_MAX_CONNECTIONS + " to "
                + MAX_MAX_CONNECTIONS + ".")
    Integer maxConnectionsPerAddress;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Admin token (else " + AdminToken.ENV + ", else a new one is printed).")
    Path adminTokenFile;

    @Option(names = "--provisioning-token-env", paramLabel = "VAR",
            description = "Devices holding the token in this environment variable may register themselves (POST /d/register).")
    String provisioningTokenEnv;

    @Option(names = "--tls-keystore", paramLabel = "FILE.p12", description = "Serve HTTPS with this PKCS#12 certificate.")
    Path tlsKeystore;

    @Option(names = "--tls-password-env", paramLabel = "VAR", defaultValue = "FWDELTA_TLS_PASSWORD",
            description = "Environment variable holding the --tls-keystore password (default: ${DEFAULT-VALUE}).")
    String tlsPasswordEnv;

    @Option(names = "--web", paramLabel = "DIR", description = "Also serve this static directory at /web/.")
    Path web;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) { // refused before anything is created or printed, like the URL below
            throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
        }
        if (maxUpload < MIN_MAX_UPLOAD || maxUpload > MAX_MAX_UPLOAD) {
            throw new IllegalArgumentException("--max-upload must be " + MIN_MAX_UPLOAD + " to " + MAX_MAX_UPLOAD
                    + " bytes, got " + maxUpload);
        }
        int connections = connectionCap(maxConnections, ConnectionCap.openFileLimit());
        if (maxConnectionsPerAddress != null && (maxConnectionsPerAddress < MIN_MAX_CONNECTIONS
                || maxConnectionsPerAddress > MAX_MAX_CONNECTIONS)) {
            throw new IllegalArgumentException("--max-connections-per-address must be " + MIN_MAX_CONNECTIONS + " to "
                    + MAX_MAX_CONNECTIONS + ", got " + maxConnectionsPerAddress);
        }
        ArtifactLocation.of(artifactBaseUrl); // refused before anything is created or printed
        if (db != null) {
            checkDriver(db);
        }
        if (dbPasswordEnv != null && dbUser == null) { // the pool sends a password only with a user: it would be ignored
            throw new IllegalArgumentException("--db-password-env needs --db-user (the user whose password it holds)");
        }
        String token = AdminToken.read(adminTokenFile);
        boolean madeUp = token == null;
        if (madeUp) {
            token = AdminToken.generate();
        }
        String url = db != null ? db : "jdbc:sqlite:" + data.resolve("fwdelta.db");
        Path artifacts = store != null ? store : data.resolve("artifacts");
        OtaServer.Settings s = new OtaServer.Settings(host, port, url, dbUser,
                dbPasswordEnv == null ? null : variable("--db-password-env", dbPasswordEnv), artifacts, AdminToken.hash(token),
                maxUpload, artifactBaseUrl, tlsKeystore, tlsKeystore == null ? null : System.getenv(tlsPasswordEnv), web,
                provisioningTokenHash()).withMaxConnections(connections);
        if (maxConnectionsPerAddress != null) {
            s = s.withMaxConnectionsPerAddress(maxConnectionsPerAddress);
        }
        try (OtaServer server = OtaServer.start(s)) {
            spec.commandLine().getErr().printf("fwdelta server on %s://%s:%d (database %s, artifacts %s)%n",
                    tlsKeystore == null ? "http" : "https", host, tlsKeystore == null ? server.port() : port, DatabaseUnreachableException.withoutPassword(url),
                    artifacts);
            if (madeUp) {
                // Only now: a start that fails prints its error alone, and the token of a server that
                // never ran would be no use to anyone.
                spec.commandLine().getErr().println("admin token (shown once; set " + AdminToken.ENV
                        + " for clients): " + token);
            }
            spec.commandLine().getErr().flush();
            new CountDownLatch(1).await(); // until the process is stopped
        }
        return 0;
    }

    /**
     * The cap on connections: {@code given} (--max-connections) checked, or the default. Where the
     * files the server keeps for its own take all {@code openFiles}, no cap fits: a start that
     * would serve one device at a time, silently, is refused, naming the limit to raise (the hard
     * one: the JVM raises the soft limit to it).
     */
    static int connectionCap(Integer given, OptionalLong openFiles) throws IOException {
        long room = ConnectionCap.room(openFiles);
        if (room < MIN_MAX_CONNECTIONS) {
            throw new IOException("this process may open " + openFiles.getAsLong() + " files, and the server keeps "
                    + ConnectionCap.FILES_KEPT + " of them for its own: none is left for a connection (raise the hard"
                    + " open-file limit, ulimit -Hn)");
        }
        return given == null ? (int) Math.min(ConnectionCap.DEFAULT_MAX, room) : checkedMaxConnections(given, openFiles);
    }

    /**
     * {@code n} if it is within {@link #MIN_MAX_CONNECTIONS} and the largest this process can hold:
     * {@link #MAX_MAX_CONNECTIONS}, or fewer where {@code openFiles} leaves less room beside the
     * files the server keeps for its own, so that the cap is reached before the descriptors run out.
     */
    static int checkedMaxConnections(int n, OptionalLong openFiles) {
        long largest = Math.max(MIN_MAX_CONNECTIONS, Math.min(MAX_MAX_CONNECTIONS, ConnectionCap.room(openFiles)));
        if (n < MIN_MAX_CONNECTIONS || n > largest) {
            String why = largest < MAX_MAX_CONNECTIONS ? " (this process may open " + openFiles.getAsLong()
                    + " files, " + ConnectionCap.FILES_KEPT + " of them kept for the server's own)" : "";
            throw new IllegalArgumentException("--max-connections must be " + MIN_MAX_CONNECTIONS + " to " + largest
                    + why + ", got " + n);
        }
        return n;
    }

    /** A --db URL no driver of this server takes is a usage error naming the option, before anything is created. */
    private static void checkDriver(String url) {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new IllegalArgumentException("--db: no database driver of this server takes '"
                    + DatabaseUnreachableException.withoutPassword(url)
                    + "' (it has jdbc:postgresql://HOST/DB and jdbc:sqlite:FILE)");
        }
    }

    private String provisioningTokenHash() {
        if (provisioningTokenEnv == null) {
            return null;
        }
        String token = variable("--provisioning-token-env", provisioningTokenEnv).strip();
        if (token.length() < AdminToken.MIN_LENGTH) {
            // It lets anyone who has it register devices: held to the admin token's length.
            throw new IllegalArgumentException("--provisioning-token-env: " + provisioningTokenEnv + " holds a token of "
                    + token.length() + " characters; at least " + AdminToken.MIN_LENGTH + " are needed");
        }
        return Credentials.hash(Credentials.fitsHeader(token, "--provisioning-token-env: " + provisioningTokenEnv));
    }

    /**
     * The value of the environment variable an option names: one that is not set (or blank) is a
     * usage error naming both, before anything is created, rather than a secret silently missing.
     */
    private static String variable(String option, String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + ": " + name + " is not set");
        }
        return value;
    }

    @Command(name = "add-device", mixinStandardHelpOptions = true,
            description = "Register a device (or re-key it); prints its secret once.")
    static final class AddDevice implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Option(names = "--id", required = true, description = "Device id: 1 to 64 of A-Z a-z 0-9 . _ -")
        String id;

        @Option(names = "--group", description = "Rollout group: a new device's is default unless given, a known "
                + "device keeps its own unless given.")
        String group;

        @Option(names = "--free-hardware-id", description = "A known device: forget the hardware id its first check-in "
            + "fixed (the id now names another board); its next check-in fixes one again.")
        boolean freeHardware;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(admin.client().addDevice(id, group, freeHardware));
            return 0;
        }
    }
}
