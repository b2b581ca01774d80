// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a command's result goes: one JSON object per line with {@code --json}, else the text a
 * person reads. Every command writes through this one class, so every JSON line is written the
 * same way (no HTML escaping, nulls kept, numbers as numbers).
 */
final class CommandOutput {
    /** Made on the first JSON line: a run that writes text for a person does not load Gson at all. */
    private static final class Json {
        static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    }

    private final PrintWriter out;
    private final boolean json;

    CommandOutput(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** The command's result: the JSON line {"event": "done", ...fields}, or {@code text} for a person. */
    void result(Map<String, Object> fields, Consumer<PrintWriter> text) {
        if (json) {
            event("done", fields);
        } else {
            text.accept(out);
        }
        out.flush();
    }

    /** Text for a person, in text mode only: what a failed run did before it failed. */
    void text(Consumer<PrintWriter> text) {
        if (!json) {
            text.accept(out);
            out.flush();
        }
    }

    /** The result as "key value" lines in text mode. */
    void result(Map<String, Object> fields) {
        result(fields, w -> fields.forEach((k, v) -> w.printf("%-28s %s%n", k, v)));
    }

    /** A JSON line {"event": name, ...fields} (progress or a step); nothing in text mode. */
    void event(String name, Map<String, Object> fields) {
        if (json) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event", name);
            e.putAll(fields);
            line(e);
            out.flush();
        }
    }

    private void line(Map<String, Object> fields) {
        out.println(Json.GSON.toJson(fields));
    }

    /** The final line of a failed run with --json: {"event": "error", "exit_code", "error_code", "message"}. */
    static String errorLine(int exitCode, String errorCode, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", "error");
        e.put("exit_code", exitCode);
        e.put("error_code", errorCode);
        e.put("message", message);
        return Json.GSON.toJson(e);
    }
}
