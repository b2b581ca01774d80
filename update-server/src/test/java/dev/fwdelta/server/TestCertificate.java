// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A self-signed certificate for 127.0.0.1 (keytool, PKCS#12, password {@link #PASSWORD}) and a TLS context trusting it. */
final class TestCertificate {
    static final String PASSWORD = "changeit";

    private TestCertificate() {}

    /** Makes {@code dir/server.p12} and returns its path. */
    static Path create(Path dir) throws Exception {
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process k = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                p12.toString(), "-storepass", PASSWORD).redirectErrorStream(true).start();
        k.getInputStream().readAllBytes();
        assertEquals(true, k.waitFor(60, TimeUnit.SECONDS) && k.exitValue() == 0, "keytool made the certificate");
        return p12;
    }

    /**
     * A server's settings for HTTPS with the certificate in {@code p12}, on a free port of
     * 127.0.0.1 (a TLS server's port is chosen before it starts), SQLite and the store in {@code dir}.
     */
    static OtaServer.Settings httpsSettings(Path dir, Path p12) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return new OtaServer.Settings("127.0.0.1", port, "jdbc:sqlite:" + dir.resolve("db"), null, null,
                dir.resolve("store"), Credentials.hash(Fleet.TOKEN), 1 << 20, null, p12, PASSWORD, null, null);
    }

    /** A TLS context that trusts the certificate in {@code p12} and nothing else. */
    static SSLContext trusting(Path p12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
