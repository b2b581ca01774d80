// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.http.BoundedAnswer;
import dev.fwdelta.server.http.HttpSend;
import dev.fwdelta.tool.transport.DeviceText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The admin API (docs/OTA.md) from the publisher's side. */
public final class AdminClient {
    /** An image the server has seen for a hardware id. */
    public record SeenImage(long version, String sha256, long size) {}

    /**
     * Longest answer read (artifacts have their own bound): the image list is the long one, and this
     * leaves room for far more images than a release may name as bases.
     */
    public static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;
    /** Longest part of a refusal shown: the server's refusals are one line. */
    private static final int MAX_ERROR_BYTES = 4096;
    /**
     * The longest a request may wait for its answer's status line and headers, from when it is
     * sent (an upload included): a server that takes the connection and then says nothing, or
     * stops inside its headers, ends the command at this limit.
     */
    public static final Duration HEADER_LIMIT = Duration.ofMinutes(2);
    /** The longest an answer (a line, or the image list) may take in all, headers to last byte. */
    public static final Duration ANSWER_TOTAL_LIMIT = Duration.ofMinutes(2);
    /** The longest an artifact download may take in all: bounds a server that trickles a byte at a time. */
    public static final Duration ARTIFACT_TOTAL_LIMIT = Duration.ofMinutes(10);
    /** The limits a client has unless it is given others. */
    public static final BodyDeadline.Limits ANSWER_LIMITS =
            new BodyDeadline.Limits(BodyDeadline.BODY_IDLE_LIMIT, ANSWER_TOTAL_LIMIT);
    public static final BodyDeadline.Limits ARTIFACT_LIMITS =
            new BodyDeadline.Limits(BodyDeadline.BODY_IDLE_LIMIT, ARTIFACT_TOTAL_LIMIT);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI server;
    private final String token;
    private final BodyDeadline.Limits answerLimits;
    private final BodyDeadline.Limits artifactLimits;
    private final Duration headerLimit;

    /**
     * The server refused a request for what is recorded (409): a release version published before
     * with another image, full patch, patch set or rollout; the message is the server's.
     */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The server has no such thing (404): a release or device not known to it; the message is the server's. */
    public static final class NotFound extends IOException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    public AdminClient(URI server, String token) {
        this(server, token, ANSWER_LIMITS, ARTIFACT_LIMITS);
    }

    /** A client whose bodies are read under other limits than the constants (tests, which cannot wait those out). */
    public AdminClient(URI server, String token, BodyDeadline.Limits answerLimits, BodyDeadline.Limits artifactLimits) {
        this(server, token, answerLimits, artifactLimits, HEADER_LIMIT);
    }

    /** As above, and the wait for an answer's headers other than {@link #HEADER_LIMIT} (tests). */
    public AdminClient(URI server, String token, BodyDeadline.Limits answerLimits, BodyDeadline.Limits artifactLimits,
                       Duration headerLimit) {
        this.server = server;
        this.token = token;
        this.answerLimits = answerLimits;
        this.artifactLimits = artifactLimits;
        this.headerLimit = headerLimit;
    }

    /** Registers a device (or gives it a new secret); returns the secret, shown once. */
    public String addDevice(String id, String group) throws IOException, InterruptedException {
        return addDevice(id, group, false);
    }

    /**
     * Registers a device or gives it a new secret, and with {@code freeHardware} forgets the hardware
     * id its first check-in fixed (its next check-in fixes one again); returns the secret, shown once.
     * A null {@code group}: a new device's is the server's default, a known one keeps its own.
     */
    public String addDevice(String id, String group, boolean freeHardware) throws IOException, InterruptedException {
        return send(post("/admin/devices", "id=" + enc(id) + (group != null ? "&group=" + enc(group) : "")
                + (freeHardware ? "&free_hw=1" : ""))).strip();
    }

    /** {@code ID HW VER SHA STATUS ERR} of a device. */
    public String device(String id) throws IOException, InterruptedException {
        return send(request("/admin/devices/" + enc(id)).GET().build()).strip();
    }

    public List<SeenImage> images(long hardware) throws IOException, InterruptedException {
        List<SeenImage> out = new ArrayList<>();
        for (String line : send(request("/admin/images?hw=" + hardware).GET().build()).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] p = line.split(" ");
            if (p.length != 3 || !p[1].matches("[0-9a-f]{64}")) {
                throw new IOException("admin/images: unexpected line '" + line + "'");
            }
            out.add(new SeenImage(Long.parseLong(p[0]), p[1], Long.parseLong(p[2])));
        }
        return out;
    }

    /** An artifact, refused if larger than {@code maxBytes} or not hashing to its name. */
    public byte[] artifact(String sha, long maxBytes) throws IOException, InterruptedException {
        HttpResponse<InputStream> res = exchange(request("/admin/artifacts/" + sha).GET().build());
        String named = "admin artifact download from " + DeviceText.printable(res.uri().toString());
        try (InputStream in = BodyDeadline.watch(res.body(), named, artifactLimits)) {
            if (res.statusCode() != 200) {
                throw new IOException("admin/artifacts/" + sha + " answered " + res.statusCode());
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (b.length > maxBytes) {
                throw new IOException("artifact " + sha + " is larger than " + maxBytes + " bytes");
            }
            if (!sha256(b).equals(sha)) {
                throw new IOException("artifact " + sha + " does not hash to its name");
            }
            return b;
        }
    }

    /** Uploads bytes under their SHA-256; returns it. */
    public String putArtifact(byte[] data) throws IOException, InterruptedException {
        String sha = sha256(data);
        send(request("/admin/artifacts/" + sha).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build());
        return sha;
    }

    /** Records a release whose artifacts are uploaded: {@code patches} as FROM_SHA:PATCH_SHA. */
    public String addRelease(long hardware, long version, String imageSha, String fullSha, List<String> patches,
                             String rollout) throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder("hw=" + hardware + "&ver=" + version + "&image=" + imageSha
                + "&full=" + fullSha + "&rollout=" + enc(rollout));
        for (String p : patches) {
            form.append("&patch=").append(enc(p));
        }
        return send(post("/admin/releases", form.toString())).strip();
    }

    /**
     * Who a published release goes to from now on ({@code all}, {@code group:NAME}, {@code percent:N};
     * {@code percent:0} halts it); returns the server's line, which names the rollout replaced.
     * {@link NotFound} when the release is not published.
     */
    public String changeRollout(long hardware, long version, String rollout) throws IOException, InterruptedException {
        return send(post("/admin/releases/rollout", "hw=" + hardware + "&ver=" + version + "&rollout="
                + enc(rollout))).strip();
    }

    private HttpRequest post(String path, String form) {
        return request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(headerLimit);
    }

    /** The answer to {@code req}, its body still to be read: a closed connection or missing headers said as such. */
    private HttpResponse<InputStream> exchange(HttpRequest req) throws IOException, InterruptedException {
        return HttpSend.exchange(http, req, req.method() + " " + req.uri().getPath());
    }

    private String send(HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<InputStream> res = exchange(req);
        String what = req.method() + " " + req.uri().getPath();
        if (res.statusCode() == 409) {
            throw new Refused(what + " answered 409: " + BoundedAnswer.start(res, MAX_ERROR_BYTES, answerLimits));
        }
        if (res.statusCode() == 404) {
            throw new NotFound(what + " answered 404: " + BoundedAnswer.start(res, MAX_ERROR_BYTES, answerLimits));
        }
        if (res.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + res.statusCode() + ": "
                    + BoundedAnswer.start(res, MAX_ERROR_BYTES, answerLimits));
        }
        return BoundedAnswer.text(res, MAX_ANSWER_BYTES, what + " answer", answerLimits);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
