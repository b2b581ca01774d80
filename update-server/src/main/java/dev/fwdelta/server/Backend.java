// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The database and artifact store one server instance serves from, and its two APIs over them.
 * Opened only once the server's sockets are open, so that a port it cannot listen on creates
 * nothing on disk; a start that fails after opening them removes what it created ({@link CreatedPaths}).
 */
final class Backend {
    /** The files SQLite may make beside its database file. */
    private static final String[] SQLITE_SUFFIXES = {"", "-wal", "-shm", "-journal"};

    private final OtaServer.Settings settings;
    private final ArtifactLocation artifacts;
    private final CreatedPaths created = new CreatedPaths();
    private Exception openFailure;

    // Written by the thread that starts the server before Jetty takes a request; read by request threads.
    volatile Database db;
    volatile DeviceApi device;
    volatile AdminApi admin;

    Backend(OtaServer.Settings settings, ArtifactLocation artifacts) {
        this.settings = settings;
        this.artifacts = artifacts;
    }

    /** Creates (or opens) and migrates the database, then the store; notes what it creates first. */
    void open() throws Exception {
        try {
            Path file = Database.sqliteFile(settings.jdbcUrl());
            if (file != null && file.getParent() != null) {
                created.willCreate(file.getParent());
                for (String suffix : SQLITE_SUFFIXES) {
                    created.willCreate(file.resolveSibling(file.getFileName() + suffix));
                }
                Files.createDirectories(file.getParent());
            }
            db = new Database(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
            created.willCreate(settings.store());
            ArtifactStore store = new ArtifactStore(settings.store());
            store.removeAbandonedUploads(settings.timeLimits().upload());
            device = new DeviceApi(db, store, artifacts, settings.provisioningTokenHash(),
                    settings.timeLimits());
            admin = new AdminApi(db, store, settings.adminTokenHash(), settings.maxUpload(),
                    settings.timeLimits());
        } catch (Exception e) {
            openFailure = e;
            throw e;
        }
    }

    /** Why {@link #open} failed, or null (it did not fail, or did not run). */
    Exception openFailure() {
        return openFailure;
    }

    /** After a failed start: closes the database and removes what {@link #open} created. */
    void undo() {
        if (db != null) {
            db.close();
        }
        created.remove();
    }
}
