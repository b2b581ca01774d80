// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.http;

import dev.fwdelta.tool.transport.DeviceText;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The text of an HTTP answer, read with a bound: the clients take answers from a server (or whoever
 * sits between) they cannot trust with their memory, so they never read a body whole before checking
 * its size. Take the response with {@code BodyHandlers.ofInputStream()}; the stream is closed here.
 * The variants with {@link BodyDeadline.Limits} also refuse to wait for ever for a body that stalls.
 */
public final class BoundedAnswer {
    private BoundedAnswer() {}

    /** The whole body as UTF-8; more than {@code maxBytes} is refused naming {@code what} and the limit. */
    public static String text(HttpResponse<InputStream> res, int maxBytes, String what) throws IOException {
        return text(res.body(), maxBytes, what);
    }

    /** As {@link #text(HttpResponse, int, String)}, the body read under {@code limits}. */
    public static String text(HttpResponse<InputStream> res, int maxBytes, String what, BodyDeadline.Limits limits)
            throws IOException {
        String named = what + " from " + DeviceText.printable(res.uri().toString());
        return text(BodyDeadline.watch(res.body(), named, limits), maxBytes, what);
    }

    private static String text(InputStream body, int maxBytes, String what) throws IOException {
        try (InputStream in = body) {
            // One byte past the limit tells a body at the limit from a longer one.
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new IOException(what + " is longer than " + maxBytes + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /**
     * At most the first {@code maxBytes} of the body as UTF-8, stripped and made printable: for the
     * message of a refusal, where a server's newline or escape would forge a line of fwdelta's own.
     */
    public static String start(HttpResponse<InputStream> res, int maxBytes) throws IOException {
        return start(res.body(), maxBytes);
    }

    /** As {@link #start(HttpResponse, int)}, the body read under {@code limits}. */
    public static String start(HttpResponse<InputStream> res, int maxBytes, BodyDeadline.Limits limits)
            throws IOException {
        String named = "the error answer from " + DeviceText.printable(res.uri().toString());
        return start(BodyDeadline.watch(res.body(), named, limits), maxBytes);
    }

    private static String start(InputStream body, int maxBytes) throws IOException {
        try (InputStream in = body) {
            return DeviceText.printable(new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8).strip());
        }
    }
}
