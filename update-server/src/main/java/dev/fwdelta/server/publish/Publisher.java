// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server.publish;

import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
        byte[] full = PatchSigner.sign(PatchBuilder.build(new byte[0], image, options).patch(), key);
        String fullSha = admin.putArtifact(full);
        log.accept("full image: " + full.length + " bytes");
        admin.putArtifact(image);
        return admin.addRelease(options.hardwareId(), options.firmwareVersion(), imageSha, fullSha, patches, rollout);
    }
}
