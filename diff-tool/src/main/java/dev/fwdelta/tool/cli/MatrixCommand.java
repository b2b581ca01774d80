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
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
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
        if (olds.size() > ReleaseManifest.MAX_PATCHES) {
            throw new IllegalArgumentException("matrix takes at most " + ReleaseManifest.MAX_PATCHES + " --old (as many"
                    + " patches as a release holds), got " + olds.size());
        }
        Shard s = parseShard();
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
        refuseUnnamable(oldShas, clashing, to);
        String shardName = s.toString();
        ReleaseManifest.Target target = new ReleaseManifest.Target(to, newPath.getFileName().toString(),
                newImage.length, hex(newSums.sha256()), Long.toUnsignedString(options.firmwareVersion()),
                String.format("0x%08x", options.hardwareId()), buildOptions(signingKey));
        Set<String> ownFiles = new HashSet<>();
        for (int i = 0; i < olds.size(); i++) {
            if (s.holds(i)) {
                ownFiles.add(patchName(from(i, oldShas.get(i), clashing), to));
            }
        }
        refuseOtherOutput(target, shardName, ownFiles);
        List<ReleaseManifest.Entry> entries = new ArrayList<>();
        CommandOutput out = json.output(spec);
        // Only once every option and input is known good: an error leaves no new directory behind.
        Files.createDirectories(outDir);
        PrintWriter notesGiven = new PrintWriter(Writer.nullWriter());
        for (int i = 0; i < olds.size(); i++) {
            if (!s.holds(i)) {
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
        new ReleaseManifest(ReleaseManifest.VERSION, target, shardName, ReleaseManifest.Olds.of(oldShas), entries)
                .write(outDir.resolve(MANIFEST), inputs.toArray(Path[]::new));
        out.result(summary(shardName, entries.size()), w -> { });
        return ExitCodes.OK;
    }

    /**
     * What a patch's bytes depend on beyond its two images and the target's versions, as the
     * manifest records it: shards merge only when this is the same.
     */
    private String buildOptions(SigningKey signingKey) {
        return "codec=" + (build.codec == null ? "auto" : build.codec) + " ram_budget=" + build.ramBudget
                + " block_size=" + build.blockSize + " address=" + (address == null ? "none"
                : String.format("0x%08x", address)) + " key=" + (signingKey == null ? "none"
                : TrustedKey.keyIdHex(signingKey.keyId()));
    }

    /**
     * Refuses, before any patch is built, an --old and --new whose patch file name no manifest may
     * name ({@link ReleaseManifest#FILE_RULE}): the shard would build, and its merge and publish
     * refuse it. Every --old is checked, a shard's or not, as for the images themselves.
     */
    private void refuseUnnamable(List<String> oldShas, Set<String> clashing, String to) {
        for (int i = 0; i < olds.size(); i++) {
            String file = patchName(from(i, oldShas.get(i), clashing), to);
            if (!ReleaseManifest.isPlainFileName(file)) {
                throw new IllegalArgumentException("--old " + olds.get(i) + " with --new " + newPath + " gives the patch"
                        + " file name '" + file + "': " + ReleaseManifest.FILE_RULE + " (a manifest names no other); "
                        + "rename the image file");
            }
        }
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
                        + "release manifest (" + e.getMessage() + "): " + OWN_OUT, e);
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
     * Checks every shard before writing anything: one release built alike, no manifest, old version
     * or file name twice, every shard and every version of their --old list there, and every patch
     * file's size, SHA-256 and header as its manifest records them.
     */
    private int merge() throws Exception {
        refuseOptionsOtherThanMerge();
        Map<Path, Path> given = new HashMap<>();
        for (Path m : merge) {
            refuseUnplaced(m);
            // Under another spelling or through a link too: its versions would count twice.
            Path earlier = Files.exists(m) ? given.putIfAbsent(m.toRealPath(), m) : null;
            if (earlier != null) {
                throw new IllegalArgumentException("--merge " + m + " is " + earlier + " again: give each shard's "
                        + "manifest once");
            }
        }
        Path[] inputs = merge.toArray(Path[]::new);
        // Before anything is read: --out DIR1 would replace shard 1's manifest with the merged one.
        AtomicOutput.refuseInputs(outDir.resolve(MANIFEST), inputs);
        ReleaseManifest.Target target = null;
        Path first = null;
        List<ReleaseManifest.Entry> all = new ArrayList<>();
        // Where each entry's patch is: read once to check it, again to copy it, so one patch at a
        // time is in memory, never the release.
        List<Path> dirs = new ArrayList<>();
        List<Path> sources = new ArrayList<>(merge);
        record Held(Path manifest, String from) { }
        Map<String, Held> seen = new HashMap<>();
        Set<String> files = new HashSet<>();
        Map<Path, String> shards = new LinkedHashMap<>();
        Map<Path, ReleaseManifest> manifests = new LinkedHashMap<>();
        for (Path m : merge) {
            ReleaseManifest manifest = ReleaseManifest.read(m);
            shards.put(m, manifest.shard());
            if (target == null) {
                target = manifest.target();
                first = m;
            } else if (!target.equals(manifest.target())) {
                throw new IllegalArgumentException(m + " is for another release than " + first + ": "
                        + ReleaseManifest.differences(manifest.target(), target) + ": build every shard with the same "
                        + "--new, --key and build options");
            }
            ShardChecks.refuseOtherOldList(m, manifest, manifests);
            manifests.put(m, manifest);
            // the directory matrix wrote the manifest in, with its patches: a link's target's
            Path dir = m.toRealPath().getParent();
            for (int i = 0; i < manifest.patches().size(); i++) {
                ReleaseManifest.Entry e = manifest.patches().get(i);
                Held earlier = seen.putIfAbsent(e.fromSha256().toLowerCase(Locale.ROOT), new Held(m, e.from()));
                if (earlier != null) {
                    throw new IllegalArgumentException(m + ": old version " + e.from() + " is the image of "
                            + earlier.from() + " (same SHA-256) in " + (earlier.manifest().equals(m) ? "the same manifest"
                            : earlier.manifest()));
                }
                if (e.file() != null && !files.add(e.file())) {
                    throw new IllegalArgumentException(m + ": two shards have a patch named " + e.file()
                            + " (rebuild the shards with the same --old list, so clashing names get a hash)");
                }
                ManifestHeaderCheck.check(m, i, dir.resolve(e.file()), target, e,
                        ReleaseManifest.verifiedPatch(dir, e));
                dirs.add(dir);
                sources.add(dir.resolve(e.file()));
                all.add(e);
            }
        }
        ShardChecks.refuseMissingShards(shards);
        ShardChecks.refuseMissingOlds(manifests);
        refuseOtherOutput(target, "merged", files);
        Files.createDirectories(outDir);
        Path[] notOver = sources.toArray(Path[]::new);
        for (int i = 0; i < all.size(); i++) {
            // Checked again: the same size and SHA-256, so the same header as checked above.
            byte[] patch = ReleaseManifest.verifiedPatch(dirs.get(i), all.get(i));
            AtomicOutput.write(outDir.resolve(all.get(i).file()), patch, notOver);
        }
        all.sort(Comparator.comparing(ReleaseManifest.Entry::from));
        ReleaseManifest.Olds merged = ReleaseManifest.Olds.of(all.stream().map(ReleaseManifest.Entry::fromSha256)
                .toList());
        new ReleaseManifest(ReleaseManifest.VERSION, target, "merged", merged, all).write(outDir.resolve(MANIFEST),
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

    private Map<String, Object> summary(String shardName, int patches) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("manifest", outDir.resolve(MANIFEST).toString());
        r.put("shard", shardName);
        r.put("patches", patches);
        return r;
    }

    private Shard parseShard() {
        if (shard == null) {
            return Shard.WHOLE;
        }
        Shard s = Shard.parse(shard);
        if (s == null) {
            throw new IllegalArgumentException("--shard must be " + Shard.RULE + ", got '" + shard + "'");
        }
        return s;
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
