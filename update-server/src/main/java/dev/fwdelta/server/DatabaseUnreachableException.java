// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.tool.cli.CauseText;
import java.io.IOException;
import java.sql.SQLException;

/**
 * The database of {@code --db} (or {@code --data}) refused or did not answer the server's first
 * connection: PostgreSQL down, a wrong password, an unknown host, an SQLite file that cannot be
 * opened. It is the user's setup, not a bug, so it is an I/O error (exit 5, as for an update server
 * that cannot be reached: docs/CLI.md) naming the URL, with any password in it left out.
 */
final class DatabaseUnreachableException extends IOException {
    DatabaseUnreachableException(String jdbcUrl, Throwable failure) {
        super("cannot open database " + withoutPassword(jdbcUrl) + ": " + CauseText.of(driverFailure(failure)), failure);
    }

    /** A JDBC URL to print: the value of a {@code password=} parameter replaced by {@code *}. */
    static String withoutPassword(String jdbcUrl) {
        return jdbcUrl.replaceAll("password=[^&]*", "password=*");
    }

    /** The driver's own exception says why (HikariCP's wrapper only adds "Failed to initialize pool"). */
    private static Throwable driverFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException) {
                return c;
            }
        }
        return t;
    }
}
