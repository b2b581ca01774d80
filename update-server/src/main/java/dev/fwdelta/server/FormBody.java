// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.tool.transport.DeviceText;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's {@code application/x-www-form-urlencoded} fields: its body, or its query string, read
 * by the same rules (docs/OTA.md, Conventions). The body's size limit holds on the bytes read, not
 * on Content-Length: a chunked request has none, and Javalin's own limit looks only at the header.
 * Parsed as Javalin's formParamMap did, which the routes were written against: fields split at
 * {@code &}, name and value at the first {@code =}, both URL-decoded in the Content-Type's charset
 * (UTF-8 when it names none; always UTF-8 for a query string). A field given twice is refused
 * (only a body's {@code patch} may repeat), and so is a {@code %} that does not start an escape.
 */
final class FormBody {
    /** The one field a form may repeat (a release's patches); any other given twice is refused. */
    private static final String REPEATABLE = "patch";

    private static final String FORM_TYPE = "application/x-www-form-urlencoded";

    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /**
     * Reads at most {@code maxBytes} of the body, whatever the headers say (more is 413), within
     * {@code timeLimit} (else 408: {@link RequestBodyStream}).
     */
    static FormBody read(Context ctx, int maxBytes, Duration timeLimit) {
        refuseOtherTypes(ctx.header("Content-Type"));
        HttpError tooLarge = new HttpError(413, "request body is larger than " + maxBytes + " bytes");
        if (declaredLength(ctx) > maxBytes) {
            throw tooLarge;
        }
        Charset charset = charset(charsetParameter(ctx.header("Content-Type")));
        byte[] body;
        try {
            // One byte past the limit tells a body at the limit from a longer one.
            body = new RequestBodyStream(ctx.req().getInputStream(), timeLimit).readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw HttpError.unreadableBody(e);
        }
        if (body.length > maxBytes) {
            throw tooLarge;
        }
        return parse(new String(body, charset), charset);
    }

    /**
     * 415 for a body declared as another type (JSON, multipart): read as a form, it would be taken for
     * whatever fields it happens to parse as. No Content-Type is a form, for a small client that sends none.
     */
    static void refuseOtherTypes(String contentType) {
        if (contentType == null) {
            return;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        if (!media.equalsIgnoreCase(FORM_TYPE)) {
            throw new HttpError(415, "Content-Type must be " + FORM_TYPE + " (or none), got "
                    + shown(contentType, "an empty Content-Type"));
        }
    }

    /**
     * The request's Content-Length, -1 when it has none. Not Javalin's contentLength(): Servlet's
     * int getContentLength says -1 for a length past 2^31-1 too, which then passed for no length.
     */
    static long declaredLength(Context ctx) {
        return ctx.req().getContentLengthLong();
    }

    /**
     * The query string's fields; none may repeat. Javalin's queryParam takes the first of a repeated
     * field and drops a bad escape: a second {@code hw} would go unnoticed.
     */
    static FormBody query(Context ctx) {
        String q = ctx.queryString();
        return parse(q == null ? "" : q, StandardCharsets.UTF_8, null);
    }

    static FormBody parse(String body, Charset charset) {
        return parse(body, charset, REPEATABLE);
    }

    /** {@code repeatable}: the one field that may be given more than once, or null for none. */
    private static FormBody parse(String body, Charset charset, String repeatable) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (!body.isEmpty()) {
            for (String pair : body.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue; // "a=1&&b=2" or a trailing "&": no field, as browsers and Jetty read them
                }
                int eq = pair.indexOf('=');
                String name = decode("a field name", eq < 0 ? pair : pair.substring(0, eq), charset);
                String value = eq < 0 ? "" : decode(name, pair.substring(eq + 1), charset);
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        for (Map.Entry<String, List<String>> e : fields.entrySet()) {
            if (e.getValue().size() > 1 && !e.getKey().equals(repeatable)) {
                throw HttpError.badRequest(named(e.getKey()) + " is given " + e.getValue().size() + " times");
            }
        }
        return new FormBody(fields);
    }

    /**
     * Refuses a field not among {@code known} (400 naming it and the fields the route takes), for
     * the admin routes: a misspelt optional field would otherwise take its default unseen, and a
     * release published with {@code rolout=percent:5} went to every device. Device routes keep ignoring
     * fields they do not know, so that a newer device's check-in still works on an older server.
     */
    FormBody onlyFields(String route, String... known) {
        List<String> allowed = List.of(known);
        for (String name : fields.keySet()) {
            if (!allowed.contains(name)) {
                throw HttpError.badRequest(route + " takes no field " + named(name) + ": its fields are "
                        + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** The field's value, or null when the form does not have it. */
    String get(String name) {
        List<String> v = fields.get(name);
        return v == null ? null : v.get(0);
    }

    String getOrDefault(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    /** Every value of a repeatable field, in the order given. */
    List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /**
     * The charset parameter of a Content-Type, unquoted (RFC 9110 5.6.6 allows a quoted value), or
     * null when there is none. Not Javalin's characterEncoding(): it took the text after "=" of a
     * parameter named charset and failed, a 500, on one without "=".
     */
    static String charsetParameter(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).strip();
            if (!name.equalsIgnoreCase("charset")) {
                continue;
            }
            if (eq < 0) {
                throw HttpError.badRequest("Content-Type charset has no value: give charset=UTF-8 or none");
            }
            String value = p.substring(eq + 1).strip();
            boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
            return quoted ? value.substring(1, value.length() - 1) : value;
        }
        return null;
    }

    static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw HttpError.badRequest("Content-Type charset must be one the server knows (UTF-8), got "
                    + shown(name, "an empty charset"));
        }
    }

    // A bad escape is refused rather than dropped: a dropped optional field would silently take its default.
    private static String decode(String field, String s, Charset charset) {
        try {
            return URLDecoder.decode(s, charset);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(named(field) + " is not URL-encoded: a % must start a %XX escape");
        }
    }

    /** A header's part as an error shows it: escaped and capped, and said to be empty rather than left out. */
    private static String shown(String text, String empty) {
        return text.isBlank() ? empty : DeviceText.printable(text);
    }

    /**
     * A field name as an error names it: the client's text, so escaped and capped (a decoded {@code %0A}
     * would break the one error line, a long name would make it as long as the body).
     */
    private static String named(String field) {
        return field.isEmpty() ? "a field with an empty name" : DeviceText.printable(field);
    }
}
