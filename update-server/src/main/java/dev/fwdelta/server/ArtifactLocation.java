// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.server.http.HttpUrls;

/**
 * Where check-in answers point a device's download: this server's own route, or with
 * {@code --artifact-base-url BASE} a static copy of the store (a CDN), in the store's layout
 * {@code BASE/ab/SHA256}. BASE is checked when the server starts, so that no device is ever sent a
 * URL it cannot fetch.
 */
final class ArtifactLocation {
    static final String OPTION = "--artifact-base-url";

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
        return new ArtifactLocation(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
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
