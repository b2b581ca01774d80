// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one check of the URLs a device is sent to fetch from (the artifact base the server is started
 * with, the URL a check-in answer names): checked where they come in, so that a bad one is blamed
 * on its source rather than failing later inside an HTTP client.
 */
public final class HttpUrls {
    private HttpUrls() {}

    /**
     * Why {@code url} is not an absolute http or https URL with a host and no user information (or,
     * when {@code pathAllowed}, a path such as {@code /d/artifacts/...}); null when it is. A
     * scheme-relative {@code //host/...} is never taken: another host is named in full.
     */
    public static String problem(String url, boolean pathAllowed) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return e.getMessage();
        }
        if (!u.isAbsolute()) {
            return pathAllowed && u.getRawAuthority() == null && url.startsWith("/") ? null
                    : "a relative URL that is not a path";
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "scheme " + u.getScheme();
        }
        if (u.getHost() == null) {
            return "no host";
        }
        return u.getRawUserInfo() == null ? null : "user information in the URL";
    }
}
