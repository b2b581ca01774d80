// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL the tests use: FWDELTA_POSTGRES_URL (.ci/run starts one and sets it). Missing, the
 * tests fail naming it: they never skip. Each use gets a fresh database, dropped by {@link #close}.
 */
final class Postgres implements AutoCloseable {
    private final String adminUrl;
    private final String name;
    final String url;

    Postgres() throws SQLException {
        String u = System.getProperty("fwdelta.postgres.url");
        if (u == null || u.isBlank() || u.startsWith("${")) {
            u = System.getenv("FWDELTA_POSTGRES_URL");
        }
        if (u == null || u.isBlank()) {
            fail("PostgreSQL is needed: set FWDELTA_POSTGRES_URL=jdbc:postgresql://HOST:PORT/DB?user=U"
                    + " (.ci/run installs PostgreSQL from Debian and starts one)");
        }
        adminUrl = u;
        name = "fwdelta_test_" + Long.toUnsignedString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        int q = u.indexOf('?');
        String base = q < 0 ? u : u.substring(0, q);
        url = base.substring(0, base.lastIndexOf('/') + 1) + name + (q < 0 ? "" : u.substring(q));
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
        }
    }
}
