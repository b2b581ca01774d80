// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.sql.Connection;
import java.sql.SQLException;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

/**
 * The admin API (docs/OTA.md), behind the admin token: devices and their secrets, artifacts, the
 * images seen per hardware id, releases. The server never holds the release key: the publisher
 * builds and signs every patch and uploads it here.
 */
final class AdminApi {
    private final Database db;
    private final ArtifactStore store;
    private final String adminTokenHash;
    private final long maxUpload;

    AdminApi(Database db, ArtifactStore store, String adminTokenHash, long maxUpload) {
        this.db = db;
        this.store = store;
        this.adminTokenHash = adminTokenHash;
        this.maxUpload = maxUpload;
    }

    void authenticate(Context ctx) {
        String h = ctx.header("Authorization");
        String token = h != null && h.startsWith("Bearer ") && h.length() < 400 ? h.substring(7).trim() : null;
        if (token == null || !Credentials.matches(token, adminTokenHash)) {
            throw new HttpError(401, "admin token required (Authorization: Bearer TOKEN)");
        }
    }

    /** POST /admin/devices, body {@code id=..&group=..}: registers (or re-keys) a device; answers its new secret. */
    void addDevice(Context ctx) {
        Map<String, String> f = OtaServer.form(ctx);
        String id = Fields.name("id", f.get("id"));
        String group = Fields.name("group", f.getOrDefault("group", "default"));
        String secret = Credentials.newSecret();
        String hash = Credentials.hash(secret);
        db.inTransaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE devices SET secret_hash = ?, device_group = ? WHERE id = ?")) {
                u.setString(1, hash);
                u.setString(2, group);
                u.setString(3, id);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO devices (id, secret_hash, device_group) VALUES (?, ?, ?)")) {
                        s.setString(1, id);
                        s.setString(2, hash);
                        s.setString(3, group);
                        s.executeUpdate();
                    }
                }
            }
            return null;
        });
        ctx.contentType("text/plain").result(secret + "\n");
    }

    /** GET /admin/devices/{id}: {@code ID HW VER SHA STATUS ERR} as last checked in and reported. */
    void showDevice(Context ctx) {
        String id = Fields.name("id", ctx.pathParam("id"));
        String line = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT hardware, version, image_sha, status, error FROM devices WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? id + " " + r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " "
                            + r.getString(4) + " " + r.getString(5) + "\n" : null;
                }
            }
        });
        if (line == null) {
            throw new HttpError(404, "no device " + id);
        }
        ctx.contentType("text/plain").result(line);
    }

    /** PUT /admin/artifacts/{sha}: stores the body if it hashes to the name and fits the upload limit. */
    void putArtifact(Context ctx) throws Exception {
        String sha = Fields.sha256("artifact", ctx.pathParam("sha"));
        long declared = ctx.contentLength();
        if (declared > maxUpload) {
            throw new HttpError(413, "upload is larger than the limit of " + maxUpload + " bytes");
        }
        long size = store.put(sha, ctx.bodyInputStream(), maxUpload);
        db.inTransaction(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM artifacts WHERE sha = ?")) {
                q.setString(1, sha);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (sha, size) VALUES (?, ?)")) {
                s.setString(1, sha);
                s.setLong(2, size);
                s.executeUpdate();
            }
            return null;
        });
        ctx.status(201).contentType("text/plain").result("stored " + size + "\n");
    }

    /** GET /admin/artifacts/{sha}: an artifact (the publisher fetches old images to diff against). */
    void getArtifact(Context ctx) throws Exception {
        String sha = Fields.sha256("artifact", ctx.pathParam("sha"));
        if (!Files.isRegularFile(store.path(sha))) {
            throw new HttpError(404, "no artifact " + sha);
        }
        DeviceApi.serve(ctx, store.path(sha));
    }

    /** GET /admin/images?hw=N: one line {@code VERSION SHA SIZE} per image seen for the hardware id. */
    void listImages(Context ctx) {
        long hw = Fields.hardware(ctx.queryParam("hw"));
        String text = db.inTransaction(c -> {
            StringBuilder b = new StringBuilder();
            try (PreparedStatement s = c.prepareStatement("SELECT i.version, i.sha, a.size FROM images i"
                    + " JOIN artifacts a ON a.sha = i.sha WHERE i.hardware = ? ORDER BY i.version")) {
                s.setLong(1, hw);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        b.append(r.getLong(1)).append(' ').append(r.getString(2)).append(' ').append(r.getLong(3))
                                .append('\n');
                    }
                }
            }
            return b.toString();
        });
        ctx.contentType("text/plain").result(text);
    }

    /**
     * POST /admin/releases, body {@code hw, ver, image=SHA, full=SHA, patch=FROM:SHA (repeated), rollout}:
     * records a release whose artifacts are all uploaded already; the image becomes a base for later ones.
     */
    void addRelease(Context ctx) {
        Map<String, String> f = OtaServer.form(ctx);
        long hw = Fields.hardware(f.get("hw"));
        long ver = Fields.version(f.get("ver"));
        String image = Fields.sha256("image", f.get("image"));
        String full = Fields.sha256("full", f.get("full"));
        Rollout rollout = Rollout.parse(f.getOrDefault("rollout", "all"));
        List<String> patches = ctx.formParams("patch");
        if (patches.size() > 10_000) {
            throw HttpError.badRequest("patch: at most 10000 per release");
        }
        db.inTransaction(c -> {
            for (String sha : List.of(image, full)) {
                requireArtifact(c, sha);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO releases (hardware, version, image_sha, full_sha,"
                    + " rollout, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setLong(1, hw);
                s.setLong(2, ver);
                s.setString(3, image);
                s.setString(4, full);
                s.setString(5, rollout.toString());
                s.setLong(6, System.currentTimeMillis());
                s.executeUpdate();
            } catch (SQLException e) {
                throw new HttpError(409, "release " + ver + " for hardware " + hw + " exists already");
            }
            for (String p : patches) {
                String[] parts = p.split(":", -1);
                if (parts.length != 2) {
                    throw HttpError.badRequest("patch must be FROM_SHA:PATCH_SHA");
                }
                String from = Fields.sha256("patch from", parts[0]);
                String sha = Fields.sha256("patch", parts[1]);
                requireArtifact(c, sha);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO patches (hardware, version, from_sha,"
                        + " artifact_sha) VALUES (?, ?, ?, ?)")) {
                    s.setLong(1, hw);
                    s.setLong(2, ver);
                    s.setString(3, from);
                    s.setString(4, sha);
                    s.executeUpdate();
                }
            }
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM images WHERE sha = ?")) {
                q.setString(1, image);
                try (ResultSet r = q.executeQuery()) {
                    if (!r.next()) {
                        try (PreparedStatement s = c.prepareStatement(
                                "INSERT INTO images (sha, hardware, version) VALUES (?, ?, ?)")) {
                            s.setString(1, image);
                            s.setLong(2, hw);
                            s.setLong(3, ver);
                            s.executeUpdate();
                        }
                    }
                }
            }
            return null;
        });
        ctx.status(201).contentType("text/plain").result("release " + ver + " for hardware " + hw + ": "
                + patches.size() + " patches, rollout " + rollout + "\n");
    }

    private static void requireArtifact(Connection c, String sha) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM artifacts WHERE sha = ?")) {
            q.setString(1, sha);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw HttpError.badRequest("artifact " + sha + " is not uploaded");
                }
            }
        }
    }
}
