// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.sql.Connection;
import java.sql.SQLException;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
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
    private final ReleasePatchCheck checks;
    private final OtaServer.TimeLimits timeLimits;

    AdminApi(Database db, ArtifactStore store, String adminTokenHash, long maxUpload,
             OtaServer.TimeLimits timeLimits) {
        this.db = db;
        this.store = store;
        this.checks = new ReleasePatchCheck(store);
        this.adminTokenHash = adminTokenHash;
        this.maxUpload = maxUpload;
        this.timeLimits = timeLimits;
    }

    /** The rollout group of a device registered without one. */
    static final String DEFAULT_GROUP = "default";

    void authenticate(Context ctx) {
        Credentials.refuseOverlong(ctx.header("Authorization"));
        if (!Credentials.matches(Credentials.bearer(ctx.header("Authorization")), adminTokenHash)) {
            throw new HttpError(401, "admin token required (Authorization: Bearer TOKEN)");
        }
    }

    /**
     * POST /admin/devices, body {@code id=..[&group=..][&free_hw=1]}: registers (or re-keys) a device;
     * answers its new secret. A new device without a group is in {@link #DEFAULT_GROUP}; a known one
     * keeps its group unless one is given (re-keyed for a lost secret, a beta device was moved out of
     * its group's rollouts unseen).
     */
    void addDevice(Context ctx) {
        FormBody f = OtaServer.form(ctx, timeLimits).onlyFields("POST /admin/devices", "id", "group", "free_hw");
        String id = Fields.name("id", f.get("id"));
        String group = f.get("group") == null ? null : Fields.name("group", f.get("group"));
        // The hardware id a device's first check-in fixed stays with a new secret unless the admin
        // frees it (the id moved to another board): the next check-in then fixes it again.
        boolean freeHardware = Fields.number("free_hw", f.getOrDefault("free_hw", "0"), 0, 1) == 1;
        String secret = Credentials.newSecret();
        String hash = Credentials.hash(secret);
        db.inTransaction(c -> {
            try (PreparedStatement u = c.prepareStatement("UPDATE devices SET secret_hash = ?"
                    + (group != null ? ", device_group = ?" : "") + (freeHardware ? ", hardware = NULL" : "")
                    + " WHERE id = ?")) {
                int i = 1;
                u.setString(i++, hash);
                if (group != null) {
                    u.setString(i++, group);
                }
                u.setString(i, id);
                if (u.executeUpdate() == 0 && !DeviceApi.insertDevice(c, id, hash, group != null ? group : DEFAULT_GROUP)) {
                    throw new HttpError(409, "device " + id + " was added by another request at the same time");
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

    /**
     * PUT /admin/artifacts/{sha}: stores the body if it hashes to the name and fits the upload limit;
     * a body cut short or badly chunked is 400.
     * The same artifact uploaded twice at once (two publishes, two instances) is one file and one row.
     */
    void putArtifact(Context ctx) throws Exception {
        String sha = Fields.sha256("artifact", ctx.pathParam("sha"));
        long declared = FormBody.declaredLength(ctx);
        if (declared > maxUpload) {
            throw new HttpError(413, "upload is larger than the limit of " + maxUpload + " bytes");
        }
        // A body that cannot be read is the client's 400; the store's own write failures stay 500s.
        long size = store.put(sha, new RequestBodyStream(ctx.bodyInputStream(), timeLimits.upload()), maxUpload);
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO artifacts (sha, size) VALUES (?, ?) ON CONFLICT (sha) DO NOTHING")) {
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
        DeviceApi.serve(ctx, store.path(sha), sha, timeLimits.download());
    }

    /** GET /admin/images?hw=N: one line {@code VERSION SHA SIZE} per image seen for the hardware id. */
    void listImages(Context ctx) {
        long hw = Fields.hardware(FormBody.query(ctx).onlyFields("GET /admin/images", "hw").get("hw"));
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
     * records a release whose artifacts are all uploaded already and pass {@link ReleasePatchCheck};
     * every FROM must be an image published before for the hardware id. The image becomes a base for
     * later releases. The same release posted again (a retry, or two publishes racing: the same image,
     * full, patch set and rollout) is answered 200 and changes nothing; a published version posted
     * with anything else is 409 naming what differs and what is recorded (image and patches never
     * change; the rollout changes by {@link #changeRollout} alone).
     */
    void addRelease(Context ctx) {
        FormBody f = FormBody.read(ctx, MAX_RELEASE_FORM_BYTES, timeLimits.form())
                .onlyFields("POST /admin/releases", "hw", "ver", "image", "full", "rollout", "patch");
        long hw = Fields.hardware(f.get("hw"));
        long ver = Fields.version(f.get("ver"));
        String image = Fields.sha256("image", f.get("image"));
        String full = Fields.sha256("full", f.get("full"));
        Rollout rollout = Rollout.parse(f.getOrDefault("rollout", "all"));
        List<String> patches = f.all("patch");
        if (patches.size() > MAX_PATCHES) {
            throw HttpError.badRequest("patch: a release names 0 to " + MAX_PATCHES + " patches (one per base), got "
                    + patches.size());
        }
        Map<String, String> byBase = new LinkedHashMap<>();
        for (String p : patches) {
            String[] parts = p.split(":", -1);
            if (parts.length != 2) {
                throw HttpError.badRequest("patch must be FROM_SHA:PATCH_SHA");
            }
            String from = Fields.sha256("patch from", parts[0]);
            if (byBase.put(from, Fields.sha256("patch", parts[1])) != null) {
                throw HttpError.badRequest("patch: two patches from the base " + from);
            }
        }
        String answer = db.inTransaction(c -> {
            ReleasePatchCheck.Release release = new ReleasePatchCheck.Release(hw, ver, image, artifactSize(c, image));
            artifactSize(c, full);
            checks.check("full", full, ReleasePatchCheck.EMPTY_SHA, release);
            for (Map.Entry<String, String> p : byBase.entrySet()) {
                String field = "patch " + p.getKey() + ":" + p.getValue();
                artifactSize(c, p.getValue());
                if (!isBase(c, hw, p.getKey())) {
                    throw HttpError.badRequest(field + ": the base " + p.getKey() + " is not an image published for"
                            + " hardware " + hw + " (publish that version first)");
                }
                checks.check(field, p.getValue(), p.getKey(), release);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO releases (hardware, version, image_sha, full_sha,"
                    + " rollout, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hardware, version) DO NOTHING")) {
                s.setLong(1, hw);
                s.setLong(2, ver);
                s.setString(3, image);
                s.setString(4, full);
                s.setString(5, rollout.toString());
                s.setLong(6, System.currentTimeMillis());
                if (s.executeUpdate() == 0) {
                    return existing(c, hw, ver, image, full, rollout.toString(), byBase);
                }
            }
            for (Map.Entry<String, String> p : byBase.entrySet()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO patches (hardware, version, from_sha,"
                        + " artifact_sha) VALUES (?, ?, ?, ?)")) {
                    s.setLong(1, hw);
                    s.setLong(2, ver);
                    s.setString(3, p.getKey());
                    s.setString(4, p.getValue());
                    s.executeUpdate();
                }
            }
            // A base for this hardware id, also when the same image was published for another (V2).
            try (PreparedStatement s = c.prepareStatement("INSERT INTO images (sha, hardware, version)"
                    + " VALUES (?, ?, ?) ON CONFLICT (sha, hardware) DO NOTHING")) {
                s.setString(1, image);
                s.setLong(2, hw);
                s.setLong(3, ver);
                s.executeUpdate();
            }
            return null;
        });
        if (answer != null) {
            ctx.contentType("text/plain").result(answer);
            return;
        }
        ctx.status(201).contentType("text/plain").result("release " + ver + " for hardware " + hw + ": "
                + byBase.size() + " patches, rollout " + rollout + "\n");
    }

    /**
     * POST /admin/releases/rollout, body {@code hw, ver, rollout}: who a published release goes to
     * from now on (narrower, wider, or {@code percent:0}, which halts it). Only the rollout changes;
     * the next check-in of every device follows it, on every instance (it is read from the table on
     * each check-in). The answer names the rollout replaced; 404 for a release not published.
     */
    void changeRollout(Context ctx) {
        FormBody f = OtaServer.form(ctx, timeLimits).onlyFields("POST /admin/releases/rollout", "hw", "ver", "rollout");
        long hw = Fields.hardware(f.get("hw"));
        long ver = Fields.version(f.get("ver"));
        Rollout rollout = Rollout.parse(f.get("rollout"));
        String release = "release " + ver + " for hardware " + hw;
        String was = db.inTransaction(c -> {
            // Locks the row first (PostgreSQL; SQLite's transaction holds the write lock already), so
            // that the rollout read next is the one this change replaces, also with two at once.
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE releases SET rollout = rollout WHERE hardware = ? AND version = ?")) {
                s.setLong(1, hw);
                s.setLong(2, ver);
                if (s.executeUpdate() == 0) {
                    throw new HttpError(404, "no " + release + " (publish it first)");
                }
            }
            String recorded;
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT rollout FROM releases WHERE hardware = ? AND version = ?")) {
                q.setLong(1, hw);
                q.setLong(2, ver);
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    recorded = r.getString(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE releases SET rollout = ? WHERE hardware = ? AND version = ?")) {
                s.setString(1, rollout.toString());
                s.setLong(2, hw);
                s.setLong(3, ver);
                s.executeUpdate();
            }
            return recorded;
        });
        ctx.contentType("text/plain").result(release + ": rollout " + rollout
                + (was.equals(rollout.toString()) ? " (unchanged)" : " (was " + was + ")") + "\n");
    }

    /** Most patches one release may name (one per base). */
    static final int MAX_PATCHES = 10_000;

    /** One patch field as the publisher (AdminClient) sends it: {@code &patch=FROM%3APATCH}, both SHA-256 hex. */
    static final int PATCH_FIELD_BYTES = "&patch=".length() + 64 + "%3A".length() + 64;

    /**
     * A release's form body: its other fields fit the common form limit, and each patch adds one
     * field, so that the most patches a release may name fit too. Still bounded, and behind the admin token.
     */
    static final int MAX_RELEASE_FORM_BYTES = OtaServer.MAX_FORM_BYTES + MAX_PATCHES * PATCH_FIELD_BYTES;

    /**
     * The answer to a release posted again: the same image, full patch, patch set and rollout is a
     * no-op (200); anything else is 409 naming the first field that differs (in that order) and what
     * is recorded.
     */
    private static String existing(Connection c, long hw, long ver, String image, String full, String rollout,
                                   Map<String, String> byBase) throws SQLException {
        String release = "release " + ver + " for hardware " + hw;
        String recordedImage;
        String recordedFull;
        String recordedRollout;
        try (PreparedStatement q = c.prepareStatement(
                "SELECT image_sha, full_sha, rollout FROM releases WHERE hardware = ? AND version = ?")) {
            q.setLong(1, hw);
            q.setLong(2, ver);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw new HttpError(409, release + " was changed by another request at the same time");
                }
                recordedImage = r.getString(1);
                recordedFull = r.getString(2);
                recordedRollout = r.getString(3);
            }
        }
        String differs;
        if (!recordedImage.equals(image)) {
            differs = "image: recorded " + recordedImage + ", posted " + image;
        } else if (!recordedFull.equals(full)) {
            differs = "full: recorded " + recordedFull + ", posted " + full;
        } else {
            differs = patchSetDifference(c, hw, ver, byBase);
        }
        if (differs != null) {
            throw new HttpError(409, release + " exists already with another " + differs
                    + " (a published release's image and patches do not change: publish a new version)");
        }
        // Named only when it is all that differs: then changing it is what the poster wants.
        if (!recordedRollout.equals(rollout)) {
            throw new HttpError(409, release + " exists already with another rollout: recorded " + recordedRollout
                    + ", posted " + rollout + " (change a published release's rollout with POST"
                    + " /admin/releases/rollout: fwdelta release rollout)");
        }
        return release + " exists already as posted: unchanged\n";
    }

    /** The first difference between the patches recorded for a release and those posted, or null. */
    private static String patchSetDifference(Connection c, long hw, long ver, Map<String, String> byBase)
            throws SQLException {
        Map<String, String> recorded = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement("SELECT from_sha, artifact_sha FROM patches"
                + " WHERE hardware = ? AND version = ? ORDER BY from_sha")) {
            q.setLong(1, hw);
            q.setLong(2, ver);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    recorded.put(r.getString(1), r.getString(2));
                }
            }
        }
        for (Map.Entry<String, String> p : recorded.entrySet()) {
            String posted = byBase.get(p.getKey());
            if (!p.getValue().equals(posted)) {
                return "patch set: recorded patch " + p.getKey() + ":" + p.getValue() + ", posted "
                        + (posted == null ? "none from that base" : p.getKey() + ":" + posted);
            }
        }
        for (Map.Entry<String, String> p : byBase.entrySet()) {
            if (!recorded.containsKey(p.getKey())) {
                return "patch set: recorded none from the base " + p.getKey() + ", posted " + p.getKey() + ":"
                        + p.getValue();
            }
        }
        return null;
    }

    private static boolean isBase(Connection c, long hw, String sha) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM images WHERE sha = ? AND hardware = ?")) {
            q.setString(1, sha);
            q.setLong(2, hw);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The size of an uploaded artifact; 400 naming it when it is not uploaded. */
    private static long artifactSize(Connection c, String sha) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT size FROM artifacts WHERE sha = ?")) {
            q.setString(1, sha);
            try (ResultSet r = q.executeQuery()) {
                if (!r.next()) {
                    throw HttpError.badRequest("artifact " + sha + " is not uploaded");
                }
                return r.getLong(1);
            }
        }
    }
}
