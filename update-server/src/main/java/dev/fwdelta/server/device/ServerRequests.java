// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import dev.fwdelta.server.http.BodyDeadline;
import dev.fwdelta.server.http.BoundedAnswer;
import dev.fwdelta.server.http.HttpSend;
import dev.fwdelta.tool.cli.CauseText;
import dev.fwdelta.tool.transport.DeviceText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The device model's requests: forms posted to the update server, and ranged downloads from it
 * or from the artifact host, each with its limits on headers and body. The device's secret goes
 * to the update server's origin only.
 */
final class ServerRequests {
    private final HttpClient http;
    private final URI server;
    private final Origin serverOrigin;
    private final String authorization;
    private BodyDeadline.Limits answerLimits =
            new BodyDeadline.Limits(BodyDeadline.BODY_IDLE_LIMIT, OtaDevice.ANSWER_TOTAL_LIMIT);
    private BodyDeadline.Limits downloadLimits =
            new BodyDeadline.Limits(BodyDeadline.BODY_IDLE_LIMIT, OtaDevice.DOWNLOAD_TOTAL_LIMIT);
    private Duration answerHeaderLimit = OtaDevice.ANSWER_HEADER_LIMIT;
    private Duration downloadHeaderLimit = OtaDevice.DOWNLOAD_HEADER_LIMIT;

    ServerRequests(URI server, String id, String secret) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.server = server;
        this.serverOrigin = Origin.of(server);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
    }

    void setHeaderLimits(Duration answers, Duration downloads) {
        this.answerHeaderLimit = answers;
        this.downloadHeaderLimit = downloads;
    }

    void setBodyLimits(BodyDeadline.Limits answers, BodyDeadline.Limits downloads) {
        this.answerLimits = answers;
        this.downloadLimits = downloads;
    }

    /** A form posted to the update server (check-in, report): its one-line answer, bounded. */
    String post(String path, String form) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(server.resolve(path)).header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(answerHeaderLimit)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<InputStream> res = HttpSend.exchange(http, req, path.equals("/d/checkin") ? "check-in" : "report");
        if (res.statusCode() != 200) {
            throw new IOException(path + " answered " + res.statusCode() + ": "
                    + BoundedAnswer.start(res, CheckinAnswer.MAX_LINE, answerLimits));
        }
        return BoundedAnswer.text(res, CheckinAnswer.MAX_LINE, path + " answer", answerLimits);
    }

    /** The artifact's bytes {@code first..last}, the answer checked to carry exactly those of the offered size. */
    InputStream get(CheckinAnswer offer, long first, long last) throws IOException, InterruptedException {
        URI uri = server.resolve(offer.url());
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).header("Range", "bytes=" + first + "-" + last)
                .timeout(downloadHeaderLimit).GET();
        // With --artifact-base-url the artifact is on another host (a CDN, maybe plain http): it gets
        // no secret. What comes from there is trusted for its signature and the signed image hash the
        // agent checks, not for where it came from. Redirects are not followed (the client's default),
        // so the secret cannot be sent on by the update server's answer either.
        if (Origin.of(uri).equals(serverOrigin)) {
            req.header("Authorization", authorization);
        }
        HttpResponse<InputStream> res = HttpSend.exchange(http, req.build(),
                "download of " + DeviceText.printable(offer.url()) + " from byte " + first);
        if (res.statusCode() != 206) {
            res.body().close();
            throw new IOException("download of " + uri.getPath() + " answered " + res.statusCode() + ", not 206");
        }
        // Bytes of another range fed at the asked offset would be blamed on the patch (and its resume
        // log wiped): the answer must say it carries exactly what was asked, of the offered size.
        String asked = "bytes " + first + "-" + last + "/" + offer.size();
        String label = res.headers().firstValue("Content-Range").orElse(null);
        if (!asked.equals(label)) {
            res.body().close();
            throw new IOException("download of " + DeviceText.printable(uri.getPath()) + " answered Content-Range "
                    + (label == null ? "(none)" : "'" + DeviceText.printable(label) + "'") + ", not the asked '"
                    + asked + "': refused");
        }
        return BodyDeadline.watch(res.body(), "download of " + DeviceText.printable(uri.toString()), downloadLimits);
    }

    /**
     * A read of the artifact's body at byte {@code at}: a failure other than a body limit is the
     * connection closing under it (Java's client says only "closed"), said so with the byte.
     */
    int read(InputStream in, byte[] b, int off, int len, CheckinAnswer offer, long at) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (BodyDeadline.Expired e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("download of " + DeviceText.printable(offer.url()) + ": the connection to "
                    + DeviceText.printable(server.resolve(offer.url()).toString()) + " was closed at byte " + at
                    + " of " + offer.size() + " (" + CauseText.of(e) + ")", e);
        }
    }
}
