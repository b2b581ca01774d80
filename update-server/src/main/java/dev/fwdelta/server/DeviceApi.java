// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.sql.Types;
import java.util.Set;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.javalin.http.HandlerType;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

/**
 * The device API (docs/OTA.md): check in, download the offered artifact with Range, report. Small
 * form-encoded requests and one-line text answers, for an MCU's HTTP client.
 */
final class DeviceApi {
    /** The statuses a device reports. */
    static final Set<String> STATUSES = Set.of("downloading", "staged", "installed", "failed");

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApi.class);

    private final Database db;
    private final ArtifactStore store;
    private final ArtifactLocation artifacts;
    private final String provisioningTokenHash;
    private final OtaServer.TimeLimits timeLimits;

    /**
     * {@code artifacts}: where answers point downloads (this server or a CDN);
     * {@code provisioningTokenHash}: the token devices may register themselves with, or null;
     * {@code timeLimits}: how long a request body may take.
     */
    DeviceApi(Database db, ArtifactStore store, ArtifactLocation artifacts, String provisioningTokenHash,
              OtaServer.TimeLimits timeLimits) {
        this.db = db;
        this.store = store;
        this.artifacts = artifacts;
        this.provisioningTokenHash = provisioningTokenHash;
        this.timeLimits = timeLimits;
    }

    /**
     * POST /d/register with the provisioning token (Bearer), body {@code id=..[&group=..]}: a new
     * device registers itself and gets its secret. Only a new id: a known one is re-keyed by the admin alone.
     */
    void register(Context ctx) {
        if (provisioningTokenHash == null) {
            throw new HttpError(404, "this server takes no self-registration (no provisioning token)");
        }
        Credentials.refuseOverlong(ctx.header("Authorization"));
        if (!Credentials.matches(Credentials.bearer(ctx.header("Authorization")), provisioningTokenHash)) {
            throw new HttpError(401, "provisioning token required (Authorization: Bearer TOKEN)");
        }
        FormBody f = OtaServer.form(ctx, timeLimits);
        String id = Fields.name("id", f.get("id"));
        String group = Fields.name("group", f.getOrDefault("group", "default"));
        String secret = Credentials.newSecret();
        boolean added = db.inTransaction(c -> insertDevice(c, id, Credentials.hash(secret), group));
        if (!added) {
            throw new HttpError(409, "device " + id + " is registered already");
        }
        ctx.contentType("text/plain").result(secret + "\n");
    }

    /** Adds a device unless its id is taken (then false): one statement, so two at once cannot both add it. */
    static boolean insertDevice(Connection c, String id, String secretHash, String group) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO devices (id, secret_hash, device_group) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, secretHash);
            s.setString(3, group);
            return s.executeUpdate() == 1;
        }
    }

    /** A device known by its id and secret (HTTP Basic); everything else is 401. */
    record Device(String id, String group) {}

    Device authenticate(Context ctx) {
        String h = ctx.header("Authorization");
        Credentials.refuseOverlong(h);
        String pair = Credentials.afterScheme(h, "Basic");
        if (pair == null) {
            throw new HttpError(401, "device credentials required (HTTP Basic id:secret)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(pair.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new HttpError(401, "Authorization is not valid Base64");
        }
        int colon = decoded.indexOf(':');
        String id = colon < 0 ? decoded : decoded.substring(0, colon);
        String secret = colon < 0 ? "" : decoded.substring(colon + 1);
        if (!Fields.isName(id)) {
            // No device has such an id, and PostgreSQL refuses some (a NUL byte) with an error that
            // was a 500: the answer of an unknown device, before the database is asked.
            throw new HttpError(401, "unknown device or wrong secret");
        }
        Object[] row = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT secret_hash, device_group FROM devices WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new Object[] {r.getString(1), r.getString(2)} : null;
                }
            }
        });
        // Unknown id and wrong secret take the same path and give the same answer.
        boolean ok = Credentials.matches(secret, row == null ? null : (String) row[0]);
        if (!ok || row == null) {
            throw new HttpError(401, "unknown device or wrong secret");
        }
        return new Device(id, (String) row[1]);
    }

    /** POST /d/checkin, body {@code hw=..&ver=..&sha=..}: {@code none} or {@code update VER SIZE SHA URL}. */
    void checkin(Context ctx) {
        Device d = authenticate(ctx);
        FormBody f = OtaServer.form(ctx, timeLimits);
        long hw = Fields.hardware(f.get("hw"));
        long ver = Fields.version(f.get("ver"));
        String sha = Fields.sha256("sha", f.get("sha"));
        String answer = db.inTransaction(c -> {
            Offer offer = choose(c, d, hw, ver, sha);
            // The hardware id is the device's from its first check-in on: a device claiming another
            // (to be offered another product's firmware) is refused. The condition is in the UPDATE
            // itself, so two racing first check-ins cannot both set it.
            try (PreparedStatement s = c.prepareStatement("UPDATE devices SET hardware = ?, version = ?, image_sha = ?,"
                    + " offered_sha = ?, offered_version = ?, updated_at = ? WHERE id = ?"
                    + " AND (hardware IS NULL OR hardware = ?)")) {
                s.setLong(1, hw);
                s.setLong(2, ver);
                s.setString(3, sha);
                s.setString(4, offer == null ? null : offer.artifactSha);
                if (offer == null) {
                    s.setNull(5, Types.BIGINT);
                } else {
                    s.setLong(5, offer.version);
                }
                s.setLong(6, System.currentTimeMillis());
                s.setString(7, d.id());
                s.setLong(8, hw);
                if (s.executeUpdate() != 1) {
                    throw new HttpError(403, "hw " + hw + " is not this device's hardware id " + hardwareOf(c, d.id()));
                }
            }
            if (offer == null) {
                return "none\n";
            }
            return "update " + offer.version + " " + offer.size + " " + offer.artifactSha + " "
                    + artifacts.url(offer.artifactSha) + "\n";
        });
        ctx.contentType("text/plain").result(answer);
    }

    private record Offer(long version, String artifactSha, long size) {}

    private static String hardwareOf(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT hardware FROM devices WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Long.toString(r.getLong(1)) : "(none)";
            }
        }
    }

    /** The newest release for this device above its version, as its own patch when that is smaller, else in full. */
    private static Offer choose(Connection c, Device d, long hw, long ver, String sha) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT r.version, r.image_sha, r.rollout, r.full_sha, fa.size,"
                + " p.artifact_sha, pa.size FROM releases r JOIN artifacts fa ON fa.sha = r.full_sha"
                + " LEFT JOIN patches p ON p.hardware = r.hardware AND p.version = r.version AND p.from_sha = ?"
                + " LEFT JOIN artifacts pa ON pa.sha = p.artifact_sha"
                + " WHERE r.hardware = ? AND r.version > ? ORDER BY r.version DESC")) {
            s.setString(1, sha);
            s.setLong(2, hw);
            s.setLong(3, ver);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long version = r.getLong(1);
                    if (!Rollout.parse(r.getString(3)).includes(d.id(), d.group(), hw, version)) {
                        continue;
                    }
                    if (r.getString(2).equals(sha)) {
                        return null; // already runs it
                    }
                    String patch = r.getString(6);
                    if (patch != null && r.getLong(7) < r.getLong(5)) {
                        return new Offer(version, patch, r.getLong(7));
                    }
                    return new Offer(version, r.getString(4), r.getLong(5));
                }
            }
        }
        return null;
    }

    /** GET /d/artifacts/{sha}: the artifact the device's last check-in offered it, whole or a Range of it. */
    void download(Context ctx) throws Exception {
        Device d = authenticate(ctx);
        String sha = Fields.sha256("artifact", ctx.pathParam("sha"));
        String offered = db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT offered_sha FROM devices WHERE id = ?")) {
                s.setString(1, d.id());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
        if (!sha.equals(offered)) {
            throw new HttpError(404, "no such update for this device");
        }
        serve(ctx, store.path(sha), sha, timeLimits.download());
    }

    /**
     * Sends an artifact, or the part of it a Range asks for (206), in 64 KiB pieces. Its SHA-256 is
     * its ETag: the bytes under a name never change, so it is a strong validator, and a Range sent
     * with an If-Range that is not it (another tag, or a date: no Last-Modified is sent) asks for
     * the whole artifact (RFC 9110 13.1.5), as a client that holds other bytes must get.
     */
    static void serve(Context ctx, Path file, String sha, Duration sendLimit) throws Exception {
        long size = Files.size(file);
        String etag = "\"" + sha + "\"";
        ctx.header("ETag", etag); // on every answer, a 416 for a Range past the end too
        String ifRange = ctx.header("If-Range");
        ByteRange range = ifRange == null || ifRange.equals(etag) ? ByteRange.parse(ctx.header("Range"), size) : null;
        ctx.header("Accept-Ranges", "bytes");
        ctx.contentType("application/octet-stream");
        long first = 0;
        long length = size;
        if (range != null) {
            first = range.first();
            length = range.length();
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
        }
        ctx.header("Content-Length", Long.toString(length));
        if (ctx.method() == HandlerType.HEAD) {
            return; // the headers say what a GET would send; reading the file would be for nothing
        }
        long deadline = System.nanoTime() + sendLimit.toNanos();
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(first);
            OutputStream out = ctx.outputStream();
            byte[] buf = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                if (System.nanoTime() - deadline > 0) {
                    // A client that takes the bytes slower than this (a little now and then, never idle for
                    // Jetty's idle timeout) would hold the request thread for as long as it likes. The
                    // answer has begun, so no error line can follow: the connection is closed, and the
                    // client sees a body shorter than its Content-Length (a device resumes with a Range).
                    LOG.warn("{} {}: not taken within the limit of {} s: closed after {} of {} bytes", ctx.method(),
                            ctx.path(), sendLimit.toSeconds(), length - left, length);
                    Request.getBaseRequest(ctx.req()).getHttpChannel().abort(new TimeoutException("send limit"));
                    return;
                }
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) {
                    break;
                }
                out.write(buf, 0, r);
                left -= r;
            }
            out.flush();
        }
    }

    /** The version the device's last check-in offered it, or null when that check-in offered none. */
    private static Long offeredVersion(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT offered_version FROM devices WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                long v = r.getLong(1);
                return r.wasNull() ? null : v;
            }
        }
    }

    /** POST /d/report, body {@code ver=..&status=..&err=..}. */
    void report(Context ctx) {
        Device d = authenticate(ctx);
        FormBody f = OtaServer.form(ctx, timeLimits);
        long ver = Fields.version(f.get("ver"));
        String status = f.get("status");
        if (status == null || !STATUSES.contains(status)) {
            throw HttpError.badRequest("status must be one of downloading, staged, installed, failed");
        }
        int err = (int) Fields.number("err", f.getOrDefault("err", "0"), 0, 65535);
        db.inTransaction(c -> {
            // A report is about the update the device's last check-in offered: one about any other
            // version (never offered, or replaced by a later check-in) would put its status beside a
            // release it is not about in the device's row, where the admin reads it.
            Long offered = offeredVersion(c, d.id());
            if (offered == null || offered != ver) {
                throw new HttpError(409, "ver " + ver + " is not the version offered to this device at its last"
                        + " check-in (" + (offered == null ? "none was offered" : offered) + ")");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO reports (device_id, version, status, error, at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, d.id());
                s.setLong(2, ver);
                s.setString(3, status);
                s.setInt(4, err);
                s.setLong(5, System.currentTimeMillis());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE devices SET status = ?, error = ? WHERE id = ?")) {
                s.setString(1, status);
                s.setInt(2, err);
                s.setString(3, d.id());
                s.executeUpdate();
            }
            return null;
        });
        ctx.contentType("text/plain").result("ok\n");
    }
}
