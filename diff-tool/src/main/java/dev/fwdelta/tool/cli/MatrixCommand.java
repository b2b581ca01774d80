// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "matrix", mixinStandardHelpOptions = true,
        description = {"Release pipeline: one patch per old version to NEW, plus manifest.json.",
            "  fwdelta matrix --new NEW --old V1 --old V2 ... --out DIR [--key KEY.pem] [--shard i/n]",
            "  fwdelta matrix --merge DIR1/manifest.json DIR2/manifest.json ... --out DIR"})
final class MatrixCommand implements Callable<Integer> {
    private static final String MANIFEST = "manifest.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--new", paramLabel = "NEW", description = "The release image.")
    Path newPath;

    @Option(names = "--old", paramLabel = "OLD", description = "A version in the field; repeat for each.")
    List<Path> olds = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where patches and manifest.json go: a "
            + "new directory, or this same build's earlier output (replaced).")
    Path outDir;

    @Option(names = "--key", paramLabel = "KEY.pem", description = "Sign every patch with this private key.")
    Path key;

    @Option(names = "--shard", paramLabel = "i/n", description = "Build only shard i of n (1-based) of the old versions.")
    String shard;

    @Option(names = "--merge", paramLabel = "MANIFEST", arity = "1..*",
            description = "Merge shard manifests (and copy their patches) into --out.")
    List<Path> merge = new ArrayList<>();

    @Mixin
    BuildOptionsMixin build;

    @Mixin
    JsonOption json;

    @Mixin
    ImageInputs images;

    @Option(names = "--address", paramLabel = "ADDR", converter = UnsignedNumber.U32.class,
            description = "Where raw .bin images are programmed, recorded in the patches (default: NEW's address if "
                    + "it is a HEX, S-record, ELF or DfuSe file, else none).")
    Long address;

    @Override
    public Integer call() throws Exception {
        if (!merge.isEmpty()) {
            return merge();
        }
        if (newPath == null || olds.isEmpty()) {
            throw new IllegalArgumentException("matrix needs --new NEW and at least one --old OLD (or --merge)");
        }
        int[] s = parseShard();
        long raw = address == null ? FirmwareImage.NO_ADDRESS : address;
        FirmwareImage newFile = images.load(newPath, raw, spec.commandLine().getErr());
        byte[] newImage = newFile.bytes();
        ImageChecksums newSums = ImageChecksums.of(newImage);
        BuildOptions options = build.toOptions();
        SigningKey signingKey = key == null ? null : KeyFiles.readPrivate(key);
        String to = stem(newPath);
        Set<String> clashing = clashingStems();
        // Every --old, a shard's or not, before the first patch: each shard of a release finds a
        // bad input at once, and an image given twice across shards is refused here, not at merge.
        List<String> oldShas = MatrixInputs.check(olds, newFile, images, raw, spec.commandLine().getErr());
        String shardName = shard == null ? "1/1" : shard;
        ReleaseManifest.Target target = new ReleaseManifest.Target(to, newPath.getFileName().toString(),
                newImage.length, hex(newSums.sha256()), Long.toUnsignedString(options.firmwareVersion()),
                String.format("0x%08x", options.hardwareId()));
        Set<String> ownFiles = new HashSet<>();
        for (int i = s[0] - 1; i < olds.size(); i += s[1]) {
            ownFiles.add(patchName(from(i, oldShas.get(i), clashing), to));
        }
        refuseOtherOutput(target, shardName, ownFiles);
        List<ReleaseManifest.Entry> entries = new ArrayList<>();
        CommandOutput out = json.output(spec);
        // Only once every option and input is known good: an error leaves no new directory behind.
        Files.createDirectories(outDir);
        PrintWriter notesGiven = new PrintWriter(Writer.nullWriter());
        for (int i = 0; i < olds.size(); i++) {
            if (i % s[1] != s[0] - 1) {
                continue;
            }
            Path oldPath = olds.get(i);
            // The notes of regions left out were printed by the check.
            FirmwareImage oldFile = images.load(oldPath, raw, notesGiven);
            byte[] oldImage = oldFile.bytes();
            String oldSha = hex(ImageChecksums.of(oldImage).sha256());
            PatchBuilder.Built built = PatchBuilder.build(oldImage, newImage,
                    options.withTarget(ImageInputs.target(oldFile, newFile, false, MatrixInputs.MOVE_REFUSED)));
            byte[] patch = signingKey == null ? built.patch() : PatchSigner.sign(built.patch(), signingKey);
            String from = from(i, oldSha, clashing);
            String file = patchName(from, to);
            AtomicOutput.write(outDir.resolve(file), patch, oldPath, newPath, key);
            entries.add(new ReleaseManifest.Entry(from, oldPath.getFileName().toString(), oldImage.length,
                    oldSha, to, file, patch.length,
                    hex(ImageChecksums.sha256Digest().digest(patch)), built.header().codec().label(),
                    built.header().decoderRam(), signingKey == null ? null : TrustedKey.keyIdHex(signingKey.keyId()),
                    Math.round(10000.0 * patch.length / Math.max(1, newImage.length)) / 10000.0,
                    patch.length < newImage.length ? "patch" : "full-image"));
            ReleaseManifest.Entry made = entries.get(entries.size() - 1);
            if (out.json()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("from", from);
                e.put("to", to);
                e.put("file", file);
                e.put("size", made.size());
                e.put("ship", made.ship());
                out.event("patch", e);
            } else {
                spec.commandLine().getOut().printf("%s -> %s: %d bytes (%s)%n", from, to, patch.length, made.ship());
            }
        }
        List<Path> inputs = new ArrayList<>(olds);
        inputs.add(newPath);
        inputs.add(key);
        new ReleaseManifest(ReleaseManifest.VERSION, target, shardName, entries)
                .write(outDir.resolve(MANIFEST), inputs.toArray(Path[]::new));
        out.result(summary(shardName, entries.size()), w -> { });
        return ExitCodes.OK;
    }

    /** Old files that share a name (v1/firmware.bin, v2/firmware.bin) get their image's hash in the name. */
    private String from(int i, String oldSha, Set<String> clashing) {
        String stem = stem(olds.get(i));
        return clashing.contains(stem) ? stem + "-" + oldSha.substring(0, 12) : stem;
    }

    private static String patchName(String from, String to) {
        return from + "-to-" + to + ".fwd";
    }

    /** What an --out that holds another run's output is told. */
    private static final String OWN_OUT = "give each release, and each --shard of one, a new or empty --out "
            + "(a run again into its own --out replaces its files)";

    /**
     * Refuses, before any patch is built or copied, an --out holding another matrix's output: a
     * manifest.json of another release or shard (this run would replace it, and the patches beside
     * it would belong to neither), or any file this run would not write. An --out holding this
     * same run's earlier output (same release, same shard) is taken: its files are replaced.
     */
    private void refuseOtherOutput(ReleaseManifest.Target target, String shardName, Set<String> files)
            throws IOException {
        Path manifestPath = outDir.resolve(MANIFEST);
        if (Files.isRegularFile(manifestPath)) {
            ReleaseManifest there;
            try {
                there = ReleaseManifest.read(manifestPath);
            } catch (IOException e) {
                throw new IllegalArgumentException("--out " + outDir + " holds a " + MANIFEST + " that is not a "
                        + "release manifest: " + OWN_OUT, e);
            }
            String differs = ReleaseManifest.differences(there.target(), target);
            if (!Objects.equals(there.shard(), shardName)) {
                differs += (differs.isEmpty() ? "" : ", ") + "shard (" + there.shard() + ", not " + shardName + ")";
            }
            if (!differs.isEmpty()) {
                throw new IllegalArgumentException("--out " + outDir + " holds the " + MANIFEST + " of another matrix: "
                        + differs + ": " + OWN_OUT);
            }
        }
        OutputDirectory.claim("--out", outDir, name -> name.equals(MANIFEST) || files.contains(name),
                "this matrix does not write them: " + OWN_OUT);
    }

    /** Stems of the --old files that more than one --old has: the same in every shard, so names agree. */
    private Set<String> clashingStems() {
        Set<String> seen = new HashSet<>();
        Set<String> clashing = new HashSet<>();
        for (Path p : olds) {
            if (!seen.add(stem(p))) {
                clashing.add(stem(p));
            }
        }
        return clashing;
    }

    /**
     * Checks every shard before writing anything: one release, no old version or file name twice,
     * and every patch file's size and SHA-256 as its manifest records them.
     */
    private int merge() throws Exception {
        refuseOptionsOtherThanMerge();
        for (Path m : merge) {
            refuseUnplaced(m);
        }
        Path[] inputs = merge.toArray(Path[]::new);
        // Before anything is read: --out DIR1 would replace shard 1's manifest with the merged one.
        AtomicOutput.refuseInputs(outDir.resolve(MANIFEST), inputs);
        ReleaseManifest.Target target = null;
        Path first = null;
        List<ReleaseManifest.Entry> all = new ArrayList<>();
        List<byte[]> patches = new ArrayList<>();
        List<Path> sources = new ArrayList<>(merge);
        Set<String> seen = new HashSet<>();
        Set<String> files = new HashSet<>();
        Map<Path, String> shards = new LinkedHashMap<>();
        for (Path m : merge) {
            ReleaseManifest manifest = ReleaseManifest.read(m);
            shards.put(m, manifest.shard());
            if (target == null) {
                target = manifest.target();
                first = m;
            } else if (!target.equals(manifest.target())) {
                throw new IllegalArgumentException(m + " is for another release than " + first + ": "
                        + ReleaseManifest.differences(manifest.target(), target));
            }
            // the directory matrix wrote the manifest in, with its patches: a link's target's
            Path dir = m.toRealPath().getParent();
            for (ReleaseManifest.Entry e : manifest.patches()) {
                if (!seen.add(e.fromSha256())) {
                    throw new IllegalArgumentException(m + ": old version " + e.from() + " is in two shards");
                }
                if (e.file() != null && !files.add(e.file())) {
                    throw new IllegalArgumentException(m + ": two shards have a patch named " + e.file()
                            + " (rebuild the shards with the same --old list, so clashing names get a hash)");
                }
                patches.add(ReleaseManifest.verifiedPatch(dir, e));
                sources.add(dir.resolve(e.file()));
                all.add(e);
            }
        }
        refuseMissingShards(shards);
        refuseOtherOutput(target, "merged", files);
        Files.createDirectories(outDir);
        Path[] notOver = sources.toArray(Path[]::new);
        for (int i = 0; i < all.size(); i++) {
            AtomicOutput.write(outDir.resolve(all.get(i).file()), patches.get(i), notOver);
        }
        all.sort(Comparator.comparing(ReleaseManifest.Entry::from));
        new ReleaseManifest(ReleaseManifest.VERSION, target, "merged", all).write(outDir.resolve(MANIFEST),
                notOver);
        Map<String, Object> r = summary("merged", all.size());
        r.put("merged_manifests", merge.size());
        json.output(spec).result(r, w -> w.printf("merged %d manifests: %d patches%n", merge.size(), all.size()));
        return ExitCodes.OK;
    }

    /**
     * Refuses a manifest that is not a regular file (a pipe: {@code <(cat DIR/manifest.json)},
     * /dev/stdin; a device) before it is read: a manifest names its patch files relative to its own
     * directory, and a pipe's directory (/dev/fd) holds none of them. A missing file or a directory
     * gets the error of its read.
     */
    private static void refuseUnplaced(Path manifest) {
        if (Files.exists(manifest) && !Files.isRegularFile(manifest) && !Files.isDirectory(manifest)) {
            throw new IllegalArgumentException("--merge " + manifest + " is not a regular file (a pipe or a device): a"
                    + " manifest names its patch files relative to its own directory, which a pipe has not; give the"
                    + " shard's manifest file itself, e.g. --merge DIR/manifest.json");
        }
    }

    /** The options --merge takes: the rest build patches, and a merge builds none (nor re-signs any). */
    private static final Set<String> MERGE_OPTIONS = Set.of("--merge", "--out", JsonOption.NAME);

    /** Refuses, naming it, any option given with --merge that a merge would not use. */
    private void refuseOptionsOtherThanMerge() {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!MERGE_OPTIONS.contains(o.longestName())) {
                throw new IllegalArgumentException(o.longestName() + " does not go with --merge: a merge copies "
                        + "the shards' patches as they are (give " + o.longestName() + " to the shard builds)");
            }
        }
    }

    /**
     * Refuses a merge of shards "i/n" that leaves out one of the n, or has one twice: the merged
     * manifest would lack the old versions of the shards not given. A whole build ("1/1") is
     * complete alone; when a manifest records no "i/n" (an earlier merge), nothing is checked.
     */
    private static void refuseMissingShards(Map<Path, String> shards) {
        Map<Integer, Path> given = new LinkedHashMap<>();
        int count = 0;
        Path first = null;
        for (Map.Entry<Path, String> e : shards.entrySet()) {
            int[] s = shardOf(e.getValue());
            if (s == null) {
                return;
            }
            if (s[1] == 1) {
                continue;
            }
            if (first == null) {
                count = s[1];
                first = e.getKey();
            } else if (s[1] != count) {
                throw new IllegalArgumentException(e.getKey() + " is shard " + e.getValue() + " but " + first
                        + " is a shard of " + count + ": merge the shards of one --shard count");
            }
            Path twice = given.put(s[0], e.getKey());
            if (twice != null) {
                throw new IllegalArgumentException(e.getKey() + " and " + twice + " are both shard " + e.getValue());
            }
        }
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            if (!given.containsKey(i)) {
                missing.add(i + "/" + count);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--merge is missing shard" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + ": give the manifest of every shard of " + count);
        }
    }

    /** {i, n} of a manifest's "i/n" shard, or null for anything else ("merged"). */
    private static int[] shardOf(String shard) {
        if (shard == null || !shard.matches("[0-9]{1,9}/[0-9]{1,9}")) {
            return null;
        }
        String[] parts = shard.split("/");
        int i = Integer.parseInt(parts[0]);
        int n = Integer.parseInt(parts[1]);
        return n >= 1 && i >= 1 && i <= n ? new int[] {i, n} : null;
    }

    private Map<String, Object> summary(String shardName, int patches) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("manifest", outDir.resolve(MANIFEST).toString());
        r.put("shard", shardName);
        r.put("patches", patches);
        return r;
    }

    private int[] parseShard() {
        if (shard == null) {
            return new int[] {1, 1};
        }
        String[] parts = shard.split("/");
        try {
            int i = Integer.parseInt(parts[0]);
            int n = Integer.parseInt(parts[1]);
            if (parts.length == 2 && n >= 1 && i >= 1 && i <= n) {
                return new int[] {i, n};
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("--shard must be i/n with 1 <= i <= n, got '" + shard + "'");
    }

    private static String stem(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
