// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import dev.fwdelta.tool.cli.ReleaseManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Publishes a release: builds and signs, on the publisher's machine (the key never goes to the
 * server), one patch from every image the server has seen for the hardware id, plus the full image
 * as a patch from an empty base for devices whose image is unknown; uploads them and the image
 * (a base for later releases); records the release with its rollout.
 */
public final class Publisher {
    /** Largest old image fetched back from the server to diff against. */
    public static final long MAX_IMAGE = 64L << 20;

    private final AdminClient admin;
    private final Consumer<String> log;

    public Publisher(AdminClient admin, Consumer<String> log) {
        this.admin = admin;
        this.log = log;
    }

    /** {@code options} carries the hardware id and firmware version written into every patch header. */
    public String publish(byte[] image, BuildOptions options, SigningKey key, String rollout)
            throws IOException, InterruptedException {
        String imageSha = AdminClient.sha256(image);
        List<String> patches = new ArrayList<>();
        for (AdminClient.SeenImage old : admin.images(options.hardwareId())) {
            if (old.sha256().equals(imageSha)) {
                continue;
            }
            byte[] oldImage = admin.artifact(old.sha256(), MAX_IMAGE);
            byte[] patch = PatchSigner.sign(PatchBuilder.build(oldImage, image, options).patch(), key);
            patches.add(old.sha256() + ":" + admin.putArtifact(patch));
            log.accept("version " + old.version() + " -> " + options.firmwareVersion() + ": " + patch.length + " bytes");
        }
        return finish(image, options, key, rollout, patches);
    }

    /**
     * Publishes a {@code fwdelta matrix} output: its prebuilt signed patches as they are (checked
     * against manifest.json here, and by the server on upload), the image (which must be the
     * matrix's target), and the full-image patch, built and signed here. Hardware id and version come
     * from the manifest. Every old version of the matrix must be an image the server has seen for the
     * hardware id (a base it can offer the patch to); entries shipped as {@code full-image} are left
     * out, as the server would offer the full image to those devices anyway.
     */
    public String publishMatrix(Path dir, byte[] image, SigningKey key, String rollout)
            throws IOException, InterruptedException {
        ReleaseManifest manifest = ReleaseManifest.read(dir.resolve("manifest.json"));
        ReleaseManifest.Target target = manifest.target();
        String imageSha = AdminClient.sha256(image);
        if (!imageSha.equalsIgnoreCase(target.sha256()) || image.length != target.size()) {
            throw new IllegalArgumentException("--image (SHA-256 " + imageSha + ", " + image.length + " bytes) is not"
                    + " the matrix's new image " + target.file() + " (" + target.sha256() + ", " + target.size() + " bytes)");
        }
        BuildOptions options = new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET,
                BuildOptions.DEFAULT_MAX_BLOCK_RAW, manifestNumber("firmware_version", target.firmwareVersion()),
                manifestNumber("hardware_id", target.hardwareId()));
        Set<String> bases = new HashSet<>();
        for (AdminClient.SeenImage seen : admin.images(options.hardwareId())) {
            bases.add(seen.sha256());
        }
        List<String> patches = new ArrayList<>();
        for (ReleaseManifest.Entry e : manifest.patches()) {
            String from = e.fromSha256() == null ? "" : e.fromSha256().toLowerCase(Locale.ROOT);
            if (!bases.contains(from)) {
                throw new IllegalArgumentException("matrix patch " + e.file() + ": the server has seen no image "
                        + from + " (" + e.from() + ") for hardware id " + options.hardwareId()
                        + "; publish that version first, or build the matrix without it");
            }
            if ("full-image".equals(e.ship())) {
                log.accept(e.from() + " -> " + options.firmwareVersion() + ": the full image is as small, patch left out");
                continue;
            }
            byte[] patch = ReleaseManifest.verifiedPatch(dir, e);
            patches.add(from + ":" + admin.putArtifact(patch));
            log.accept(e.from() + " -> " + options.firmwareVersion() + ": " + patch.length + " bytes (from the matrix)");
        }
        return finish(image, options, key, rollout, patches);
    }

    /** Uploads the full-image patch (built and signed here) and the image, then records the release. */
    private String finish(byte[] image, BuildOptions options, SigningKey key, String rollout, List<String> patches)
            throws IOException, InterruptedException {
        byte[] full = PatchSigner.sign(PatchBuilder.build(new byte[0], image, options).patch(), key);
        String fullSha = admin.putArtifact(full);
        log.accept("full image: " + full.length + " bytes");
        String imageSha = admin.putArtifact(image);
        return admin.addRelease(options.hardwareId(), options.firmwareVersion(), imageSha, fullSha, patches, rollout);
    }

    /** A number of manifest.json: decimal, or hexadecimal with 0x (the hardware id), unsigned 64-bit. */
    private static long manifestNumber(String field, String value) throws IOException {
        try {
            return value != null && value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16)
                    : Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw new IOException("manifest.json: target " + field + " '" + value + "' is not a number");
        }
    }
}
