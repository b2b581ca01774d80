// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.tool.io.BoundedFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * manifest.json of a release: the target image and, per old version, its patch. {@code ship} is
 * "patch", or "full-image" when the patch would not be smaller than the image itself. Public for
 * {@code fwdelta release publish --matrix}, which uploads a matrix output to an update server.
 */
public record ReleaseManifest(int manifestVersion, Target target, String shard, Olds olds, List<Entry> patches) {
    static final int VERSION = 1;
    /** Entries one manifest holds at most: as many patches as the update server takes in one release. */
    public static final int MAX_PATCHES = 10_000;
    /**
     * The longest manifest.json read: room for {@link #MAX_PATCHES} entries with long version
     * strings and file names, and far less than a heap that builds a matrix.
     */
    public static final long MAX_MANIFEST_BYTES = 16L << 20;
    /** The largest patch an entry may name: the longest file read whole, as for any patch file. */
    public static final long MAX_PATCH_BYTES = BoundedFile.MAX_BYTES;

    /**
     * The release: NEW and what every patch to it is built with. {@code build} gives the options a
     * patch's bytes depend on beyond its two images ("codec=auto ram_budget=16384
     * block_size=262144 address=none key=none"), so shards built apart are merged only when built alike.
     */
    public record Target(String version, String file, long size, String sha256, String firmwareVersion,
                         String hardwareId, String build) {
    }

    /**
     * The old versions a build was given, all shards' (a merge: those it holds): their number and
     * the SHA-256 of their SHA-256s, sorted, in hex, one a line. A merge checks its shards were
     * given one --old list and hold every version of it.
     */
    public record Olds(int count, String sha256) {
        static Olds of(Collection<String> oldSha256s) {
            List<String> sorted = oldSha256s.stream().map(h -> h.toLowerCase(Locale.ROOT)).sorted().toList();
            StringBuilder lines = new StringBuilder();
            for (String h : sorted) {
                lines.append(h).append('\n');
            }
            byte[] digest = ImageChecksums.sha256Digest().digest(lines.toString().getBytes(StandardCharsets.US_ASCII));
            return new Olds(sorted.size(), HexFormat.of().formatHex(digest));
        }
    }

    public record Entry(String from, String fromFile, long fromSize, String fromSha256, String to, String file, long size,
                 String sha256, String codec, long decoderRam, String keyId, double ratio, String ship) {
    }

    /**
     * What a patch file name in a manifest may be: one name in the manifest's own directory, never
     * a path, a hidden file or one too long with a temporary file's suffix for a file system.
     */
    static final String FILE_RULE = "a patch file name is 1 to 201 of A-Z a-z 0-9 . _ + -, the first a letter or digit";

    static boolean isPlainFileName(String name) {
        return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}");
    }

    /** The fields in which two release targets differ, each as "name (theirs, not ours)". */
    static String differences(Target theirs, Target ours) {
        StringBuilder b = new StringBuilder();
        for (var c : Target.class.getRecordComponents()) {
            try {
                Object t = c.getAccessor().invoke(theirs);
                Object o = c.getAccessor().invoke(ours);
                if (!Objects.equals(t, o)) {
                    String jsonName = c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
                    b.append(b.length() == 0 ? "" : ", ").append(jsonName).append(" (").append(t).append(", not ")
                            .append(o).append(')');
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }

    /** How much of the JSON parser's message an error line keeps. */
    static final int MAX_PARSE_ERROR_CHARS = 200;
    /** "java.io.EOFException: " and the like, at the start of the JSON parser's messages. */
    private static final Pattern JAVA_EXCEPTION_NAME = Pattern.compile("^([a-z][a-z0-9_]*\\.)+[A-Z]\\w*: ");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    /** Writes the manifest to {@code path}, refused if it is one of {@code inputs}. */
    void write(Path path, Path... inputs) throws IOException {
        AtomicOutput.write(path, (GSON.toJson(this) + "\n").getBytes(StandardCharsets.UTF_8), inputs);
    }

    /**
     * Reads and checks a manifest: its size, version and number of patches first, then every field
     * ({@link ReleaseManifestFields}), each refused with an IOException naming the file (exit 5).
     */
    public static ReleaseManifest read(Path path) throws IOException {
        JsonElement json;
        try {
            byte[] bytes = BoundedFile.read(path, MAX_MANIFEST_BYTES, "release manifest");
            json = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new IOException(path + " is not a release manifest: " + parseError(e), e);
        }
        if (!json.isJsonObject() || !isVersion(json.getAsJsonObject().get("manifest_version"))
                || !json.getAsJsonObject().has("target") || !(json.getAsJsonObject().get("patches") instanceof JsonArray)) {
            throw new IOException(path + " is not a version " + VERSION + " release manifest");
        }
        JsonObject root = json.getAsJsonObject();
        int count = root.getAsJsonArray("patches").size();
        if (count > MAX_PATCHES) {
            throw new IOException(path + ": bad value for the number of patches: " + count
                    + " (valid range 0.." + MAX_PATCHES + ")");
        }
        ReleaseManifestFields.check(path, root);
        try {
            return GSON.fromJson(root, ReleaseManifest.class);
        } catch (JsonParseException e) {
            throw new IOException(path + " is not a release manifest: " + parseError(e), e);
        }
    }

    /**
     * What the JSON parser found wrong, as one short line: its message without the Java
     * exception's name it may start with ("java.io.EOFException: End of input at line 1 column
     * 23"), cut after {@link #MAX_PARSE_ERROR_CHARS} (the path of a deeply nested value, which
     * it ends with, can be as long as the file).
     */
    static String parseError(JsonParseException e) {
        String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        m = JAVA_EXCEPTION_NAME.matcher(m).replaceFirst("");
        return m.length() <= MAX_PARSE_ERROR_CHARS ? m
                : m.substring(0, MAX_PARSE_ERROR_CHARS) + " [" + (m.length() - MAX_PARSE_ERROR_CHARS)
                        + " more characters cut]";
    }

    private static boolean isVersion(JsonElement v) {
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
                && v.getAsBigDecimal().compareTo(BigDecimal.valueOf(VERSION)) == 0;
    }

    /**
     * The patch file of {@code e} in {@code dir}, checked against the size and SHA-256 the manifest
     * records (else {@link ManifestMismatchException}, exit 3); a name that is not a plain file name
     * is refused before it reaches the file system.
     */
    public static byte[] verifiedPatch(Path dir, Entry e) throws IOException {
        if (!isPlainFileName(e.file())) {
            throw new IOException("patch file name '" + e.file() + "' is not a plain file name (" + FILE_RULE + ")");
        }
        Path file = dir.resolve(e.file());
        if (e.size() < 0 || e.size() > MAX_PATCH_BYTES) {
            throw new IOException(file + ": bad value for its manifest's size: " + e.size() + " (valid range 0.."
                    + MAX_PATCH_BYTES + ")");
        }
        long size = Files.size(file);
        if (size != e.size()) {
            throw new ManifestMismatchException(file + " has " + size + " bytes, its manifest says " + e.size());
        }
        // Read to the size the manifest gives, no further: the file may have grown since.
        byte[] patch = BoundedFile.read(file, e.size(), "patch file of this manifest entry");
        if (patch.length != e.size()) {
            throw new ManifestMismatchException(file + " has " + patch.length + " bytes, its manifest says " + e.size());
        }
        String sha = HexFormat.of().formatHex(ImageChecksums.sha256Digest().digest(patch));
        if (!sha.equalsIgnoreCase(e.sha256())) {
            throw new ManifestMismatchException(file + " does not match its manifest: SHA-256 " + sha
                    + ", manifest says " + e.sha256());
        }
        return patch;
    }
}
