// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.sql.Statement;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The server's database: SQLite (a file, the embedded default) or PostgreSQL (production, shared
 * by several servers), one schema migrated by Flyway from {@code db/migration} at start.
 */
final class Database implements AutoCloseable {
    /** A unit of work in one transaction. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final String SQLITE = "jdbc:sqlite:";

    private final HikariDataSource pool;
    private final boolean sqlite;

    /** Opens the pool (its first connection: {@link DatabaseUnreachableException} when refused) and migrates. */
    Database(String jdbcUrl, String user, String password) throws DatabaseUnreachableException {
        sqlite = jdbcUrl.startsWith(SQLITE);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
            config.setPassword(password);
        }
        // SQLite takes one writer at a time: a few connections that wait for the lock instead of failing.
        config.setMaximumPoolSize(sqlite ? 4 : 16);
        if (sqlite) {
            // Wait for the write lock instead of failing, and take it when a transaction begins: a
            // transaction that reads first and writes later cannot wait for it (SQLITE_BUSY at once).
            config.addDataSourceProperty("busy_timeout", "30000");
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        config.setPoolName("fwdelta-db");
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnreachableException(jdbcUrl, e);
        }
        if (sqlite) {
            // Readers do not wait for the writer (WAL): set once per database file, outside a transaction.
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode = WAL");
            } catch (SQLException e) {
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
        }
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }

    /**
     * The file of a {@code jdbc:sqlite:PATH} URL (its query, if any, left out), or null for
     * another database or an SQLite URL that names no file ({@code :memory:}, {@code file:} URIs).
     */
    static Path sqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith(SQLITE)) {
            return null;
        }
        String rest = jdbcUrl.substring(SQLITE.length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:")) {
            return null;
        }
        return Path.of(path);
    }

    <T> T inTransaction(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T t = work.run(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
