// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.device;

import java.net.URI;
import java.util.Locale;

/**
 * Scheme, host and port of an http(s) URL, the port made explicit: the device sends its credentials
 * to the origin of the server it was configured with and to no other. An artifact URL elsewhere (a
 * CDN, or the same host on another port or scheme) is another party.
 */
record Origin(String scheme, String host, int port) {
    static Origin of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new Origin(scheme, host, port);
    }
}
