// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.security.MessageDigest;
import java.util.Collections;
import java.util.Random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.server.publish.AdminClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load benchmark, run by hand (not part of the build: the class name does not end in Test):
 * 1,000 devices check in and 100 download their update, all at once, on loopback, against the
 * embedded setup and against PostgreSQL (FWDELTA_POSTGRES_URL). Prints requests/s, p99 latency and
 * errors; fails on any error. Command and figures: README, "Update server".
 */
class OtaLoadBench {
    static final int CHECKINS = 1000;
    static final int DOWNLOADS = 100;
    static final int CLIENT_THREADS = 200;

    @TempDir
    Path dir;

    @Test
    void embedded() throws Exception {
        run("sqlite", "jdbc:sqlite:" + dir.resolve("db"));
    }

    @Test
    void postgres() throws Exception {
        try (Postgres pg = new Postgres()) {
            run("postgresql", pg.url);
        }
    }

    private void run(String label, String jdbcUrl) throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = OtaServer.start(Fleet.settings(jdbcUrl, dir.resolve("store-" + label), 1 << 20))) {
            URI uri = Fleet.uri(server);
            fleet.publishAll(uri);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
            String[] secrets = new String[CHECKINS + DOWNLOADS];
            for (int i = 0; i < secrets.length; i++) {
                secrets[i] = admin.addDevice("load-" + i, "default");
            }
            String v1 = sha(fleet.v1);
            // The downloaders have checked in once already and were offered the full image (unknown images).
            String[] urls = new String[DOWNLOADS];
            for (int i = 0; i < DOWNLOADS; i++) {
                String body = http.send(checkin(uri, "load-" + (CHECKINS + i), secrets[CHECKINS + i],
                        "0".repeat(63) + (i % 10)), HttpResponse.BodyHandlers.ofString()).body();
                urls[i] = body.strip().split(" ")[4];
            }
            List<Callable<long[]>> work = new ArrayList<>();
            for (int i = 0; i < CHECKINS; i++) {
                HttpRequest req = checkin(uri, "load-" + i, secrets[i], v1);
                work.add(() -> timed(http, req, 200));
            }
            for (int i = 0; i < DOWNLOADS; i++) {
                HttpRequest req = HttpRequest.newBuilder(uri.resolve(urls[i]))
                        .header("Authorization", basic("load-" + (CHECKINS + i), secrets[CHECKINS + i])).GET().build();
                work.add(() -> timed(http, req, 200));
            }
            Collections.shuffle(work, new Random(1));
            ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
            long t0 = System.nanoTime();
            List<Future<long[]>> results = pool.invokeAll(work);
            long elapsed = System.nanoTime() - t0;
            pool.shutdown();
            long[] checkinNs = new long[CHECKINS];
            long[] downloadNs = new long[DOWNLOADS];
            int c = 0;
            int d = 0;
            int errors = 0;
            long bytes = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get();
                errors += (int) r[2];
                if (r[1] > 1000) {
                    downloadNs[d++] = r[0];
                    bytes += r[1];
                } else {
                    checkinNs[c++] = r[0];
                }
            }
            System.out.printf("%s: %d check-ins + %d downloads (%d bytes) at once, %d client threads: %.0f requests/s,"
                    + " check-in p50 %.1f ms p99 %.1f ms, download p50 %.1f ms p99 %.1f ms, errors %d%n", label, c, d,
                    bytes, CLIENT_THREADS, (c + d) / (elapsed / 1e9), pct(checkinNs, c, 50), pct(checkinNs, c, 99),
                    pct(downloadNs, d, 50), pct(downloadNs, d, 99), errors);
            assertEquals(0, errors);
            assertEquals(CHECKINS, c);
            assertEquals(DOWNLOADS, d);
        }
    }

    private static HttpRequest checkin(URI uri, String id, String secret, String sha) {
        return HttpRequest.newBuilder(uri.resolve("/d/checkin")).header("Authorization", basic(id, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("hw=" + Fleet.HW + "&ver=2&sha=" + sha)).build();
    }

    /** {nanoseconds, body bytes, 1 if the status was not the expected one}. */
    private static long[] timed(HttpClient http, HttpRequest req, int expected) throws Exception {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        return new long[] {System.nanoTime() - t, r.body().length, r.statusCode() == expected ? 0 : 1};
    }

    private static double pct(long[] ns, int n, int p) {
        long[] s = Arrays.copyOf(ns, n);
        Arrays.sort(s);
        return s[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)] / 1e6;
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
