// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.server.device.CheckinAnswer;
import dev.fwdelta.server.http.HttpUrls;

/**
 * Where check-in answers point a device's download: this server's own route, or with
 * {@code --artifact-base-url BASE} a static copy of the store (a CDN), in the store's layout
 * {@code BASE/ab/SHA256}. BASE is checked when the server starts, so that no device is ever sent a
 * URL it cannot fetch.
 */
final class ArtifactLocation {
    static final String OPTION = "--artifact-base-url";

    /** What an artifact's URL adds to BASE: "ab/" and the 64 hex digits of its SHA-256 (see url). */
    static final int SHA_PATH = 3 + 64;
    /**
     * The longest BASE (with its final slash): a device refuses a check-in answer whose URL is
     * longer than {@link CheckinAnswer#MAX_URL}, so a longer BASE made every offer one no device
     * fetches.
     */
    static final int MAX_BASE = CheckinAnswer.MAX_URL - SHA_PATH;

    /** The base ending with one slash, or null for the server's own route. */
    private final String base;

    private ArtifactLocation(String base) {
        this.base = base;
    }

    /**
     * {@code baseUrl}: an absolute http(s) URL with a host, no user information and no query or
     * fragment, with or without a trailing slash; null for the server's own route. Anything else is
     * refused naming the option.
     */
    static ArtifactLocation of(String baseUrl) {
        if (baseUrl == null) {
            return new ArtifactLocation(null);
        }
        String why = problem(baseUrl);
        if (why != null) {
            throw new IllegalArgumentException(OPTION + " must be an absolute http or https URL such as"
                    + " https://cdn.example/fw/ (" + why + "), got '" + baseUrl + "'");
        }
        String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        if (base.length() > MAX_BASE) {
            throw new IllegalArgumentException(OPTION + " of " + base.length() + " characters (with its final /) is"
                    + " too long: an artifact's URL adds " + SHA_PATH + " and a device takes URLs of 1.."
                    + CheckinAnswer.MAX_URL + " characters, so BASE has 1.." + MAX_BASE);
        }
        return new ArtifactLocation(base);
    }

    private static String problem(String baseUrl) {
        String why = HttpUrls.problem(baseUrl, false);
        if (why == null && (baseUrl.contains("?") || baseUrl.contains("#"))) {
            // What follows BASE is appended as text: a query or fragment would swallow it.
            why = "a query or fragment";
        }
        return why;
    }

    /** The URL of an artifact for a check-in answer: relative to this server, or absolute under BASE. */
    String url(String sha) {
        return base == null ? "/d/artifacts/" + sha : base + sha.substring(0, 2) + "/" + sha;
    }
}
