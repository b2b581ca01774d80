// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end fleet run on PostgreSQL with two server instances sharing the database and the
 * artifact store: releases published on one, devices checking in and downloading from the other.
 */
class OtaPostgresTest {
    @TempDir
    Path dir;

    @Test
    void twoInstancesOnOnePostgresServeTheFleet() throws Exception {
        Fleet fleet = new Fleet(dir);
        try (Postgres pg = new Postgres();
             OtaServer a = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20));
             OtaServer b = OtaServer.start(Fleet.settings(pg.url, dir.resolve("store"), 1 << 20))) {
            fleet.publishAll(Fleet.uri(a));
            OtaServerTest.runFleet(fleet, Fleet.uri(a), Fleet.uri(b));
        }
    }
}
