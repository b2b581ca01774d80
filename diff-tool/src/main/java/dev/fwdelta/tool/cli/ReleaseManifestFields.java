// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Checks the fields of a release manifest's JSON before it is mapped to records. Gson leaves a
 * missing field null (0 for a number) and takes {@code null} for an object, so a hand-edited or
 * damaged manifest.json would otherwise reach a merge or a publish as a null or a 0; here it is
 * one error naming the file and the field's JSON path ({@code patches[3].sha256}).
 */
final class ReleaseManifestFields {
    /** The largest image size an entry or the target may give: the longest file read whole. */
    static final long MAX_IMAGE_BYTES = ReleaseManifest.MAX_PATCH_BYTES;
    /** decoder_ram is a 32-bit field of the patch header (FORMAT.md). */
    static final long MAX_DECODER_RAM = 0xFFFF_FFFFL;
    /** The --old list of a shard: each of its versions has a patch in one shard, so no more than a release holds. */
    static final long MAX_OLDS = ReleaseManifest.MAX_PATCHES;
    /*
     * The fields of each object, as ReleaseManifest writes them: another one is refused, not
     * dropped, so a merge never writes a manifest without what a hand edit added (or misspelled).
     */
    private static final List<String> ROOT_FIELDS = List.of("manifest_version", "target", "shard", "olds", "patches");
    private static final List<String> TARGET_FIELDS = List.of("version", "file", "size", "sha256", "firmware_version",
            "hardware_id", "build");
    private static final List<String> OLDS_FIELDS = List.of("count", "sha256");
    private static final List<String> ENTRY_FIELDS = List.of("from", "from_file", "from_size", "from_sha256", "to",
            "file", "size", "sha256", "codec", "decoder_ram", "key_id", "ratio", "ship");
    private static final Set<String> SHIP = Set.of("patch", "full-image");

    private final Path path;

    private ReleaseManifestFields(Path path) {
        this.path = path;
    }

    /** Checks {@code shard}, {@code olds}, {@code target} and each of {@code patches} (their count is already checked). */
    static void check(Path path, JsonObject root) throws IOException {
        new ReleaseManifestFields(path).checkRoot(root);
    }

    private void checkRoot(JsonObject root) throws IOException {
        onlyKnown(root, "", "a manifest has", ROOT_FIELDS);
        String shard = text(root, "", "shard");
        if (!shard.equals("merged") && Shard.parse(shard) == null) {
            // Anything else would pass for a merged manifest, and --merge would not miss a shard.
            throw bad("shard", "'" + shard + "' is neither \"merged\" nor " + Shard.RULE + " (as --shard takes it)");
        }
        JsonObject olds = object(root.get("olds"), "olds");
        onlyKnown(olds, "olds", "olds has", OLDS_FIELDS);
        whole(olds, "olds", "count", MAX_OLDS);
        sha256(olds, "olds", "sha256");
        JsonObject target = object(root.get("target"), "target");
        onlyKnown(target, "target", "a target has", TARGET_FIELDS);
        String version = text(target, "target", "version");
        text(target, "target", "file");
        whole(target, "target", "size", MAX_IMAGE_BYTES);
        sha256(target, "target", "sha256");
        String firmwareVersion = text(target, "target", "firmware_version");
        if (!firmwareVersion.matches("[0-9]{1,20}") || !fitsUnsigned64(firmwareVersion)) {
            throw bad("target.firmware_version", "'" + firmwareVersion + "' is not a number in 0..2^64-1");
        }
        String hardwareId = text(target, "target", "hardware_id");
        if (!hardwareId.matches("0x[0-9A-Fa-f]{1,8}")) {
            throw bad("target.hardware_id", "'" + hardwareId + "' is not a 32-bit hex number (0x00000000..0xffffffff)");
        }
        text(target, "target", "build");
        var patches = root.getAsJsonArray("patches");
        for (int i = 0; i < patches.size(); i++) {
            String at = "patches[" + i + "]";
            JsonObject e = object(patches.get(i), at);
            onlyKnown(e, at, "an entry has", ENTRY_FIELDS);
            text(e, at, "from");
            text(e, at, "from_file");
            whole(e, at, "from_size", MAX_IMAGE_BYTES);
            sha256(e, at, "from_sha256");
            String to = text(e, at, "to");
            if (!to.equals(version)) {
                throw bad(at + ".to", "'" + to + "' is not the target's version '" + version + "'");
            }
            String file = text(e, at, "file");
            if (!ReleaseManifest.isPlainFileName(file)) {
                throw bad(at + ".file", "'" + file + "' is not a plain file name (" + ReleaseManifest.FILE_RULE + ")");
            }
            whole(e, at, "size", ReleaseManifest.MAX_PATCH_BYTES);
            sha256(e, at, "sha256");
            text(e, at, "codec");
            whole(e, at, "decoder_ram", MAX_DECODER_RAM);
            if (e.has("key_id")) {
                text(e, at, "key_id");
            }
            BigDecimal ratio = number(e, at, "ratio");
            // A patch of n bytes for an image of at least one byte: at most n.
            if (ratio.signum() < 0 || ratio.compareTo(BigDecimal.valueOf(ReleaseManifest.MAX_PATCH_BYTES)) > 0) {
                throw bad(at + ".ratio", "bad value " + ratio + " (valid range 0.." + ReleaseManifest.MAX_PATCH_BYTES + ")");
            }
            String ship = text(e, at, "ship");
            if (!SHIP.contains(ship)) {
                throw bad(at + ".ship", "'" + ship + "' is neither \"patch\" nor \"full-image\"");
            }
        }
    }

    private static boolean fitsUnsigned64(String digits) {
        return new BigDecimal(digits).compareTo(new BigDecimal("18446744073709551615")) <= 0;
    }

    private JsonObject object(JsonElement value, String at) throws IOException {
        if (value == null) {
            throw bad(parentOf(at), "missing field " + nameOf(at));
        }
        if (!value.isJsonObject()) {
            throw bad(at, kind(value) + ", not an object");
        }
        return value.getAsJsonObject();
    }

    private void onlyKnown(JsonObject o, String at, String what, List<String> known) throws IOException {
        for (String name : o.keySet()) {
            if (!known.contains(name)) {
                throw bad(at, "unknown field " + name + " (" + what + " " + String.join(", ", known) + ")");
            }
        }
    }

    private JsonElement field(JsonObject o, String at, String name) throws IOException {
        JsonElement v = o.get(name);
        if (v == null) {
            throw bad(at, "missing field " + name);
        }
        return v;
    }

    private String text(JsonObject o, String at, String name) throws IOException {
        JsonElement v = field(o, at, name);
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw bad(join(at, name), kind(v) + ", not a string");
        }
        return v.getAsString();
    }

    private BigDecimal number(JsonObject o, String at, String name) throws IOException {
        JsonElement v = field(o, at, name);
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
            throw bad(join(at, name), kind(v) + ", not a number");
        }
        return v.getAsBigDecimal();
    }

    private void whole(JsonObject o, String at, String name, long max) throws IOException {
        BigDecimal v = number(o, at, name);
        if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0 || v.stripTrailingZeros().scale() > 0) {
            throw bad(join(at, name), "bad value " + v + " (valid range 0.." + max + ", a whole number)");
        }
    }

    private void sha256(JsonObject o, String at, String name) throws IOException {
        String v = text(o, at, name);
        if (!v.matches("[0-9A-Fa-f]{64}")) {
            throw bad(join(at, name), "'" + v + "' is not a SHA-256 (64 hex digits)");
        }
    }

    private static String kind(JsonElement v) {
        if (v.isJsonNull()) {
            return "null";
        }
        if (v.isJsonObject()) {
            return "an object";
        }
        if (v.isJsonArray()) {
            return "an array";
        }
        var p = v.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
    }

    private static String join(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }

    private static String parentOf(String at) {
        int dot = at.lastIndexOf('.');
        return dot < 0 ? "" : at.substring(0, dot);
    }

    private static String nameOf(String at) {
        return at.substring(at.lastIndexOf('.') + 1);
    }

    private IOException bad(String at, String problem) {
        return new IOException(path + ": " + (at.isEmpty() ? "" : at + ": ") + problem);
    }
}
