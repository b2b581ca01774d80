// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HexFormat;

/**
 * What the server checks of every patch a release names before it records the release, whoever
 * built it (`release publish` from an image, or the prebuilt patches of a `matrix` output): the
 * header parses and is signed, it is for the release's hardware id, version and image (SHA-256
 * and size), and it starts from the image it is filed under. The server cannot check the signature
 * (it never holds a key); devices do. Only the header's bytes are read (at most
 * {@link Limits#HEADER_SIZE}); the artifact's size was bounded by the upload limit when it was stored.
 */
final class ReleasePatchCheck {
    /** SHA-256 of no bytes: the base of the full-image patch any device can apply. */
    static final String EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** The release a patch must belong to. */
    record Release(long hardware, long version, String imageSha, long imageSize) {}

    private final ArtifactStore store;

    ReleasePatchCheck(ArtifactStore store) {
        this.store = store;
    }

    /**
     * Refuses (400, naming {@code field} and the header field) a patch artifact that is not the patch
     * from {@code fromSha} to the release's image.
     */
    void check(String field, String patchSha, String fromSha, Release release) {
        PatchHeader h = header(field, patchSha);
        if ((h.flags() & PatchHeader.FLAG_SIGNED) == 0) {
            throw HttpError.badRequest(field + ": the patch is not signed (flags " + h.flags()
                    + "); the server takes only patches signed with the release key");
        }
        require(field, "hardware_id", h.hardwareId(), release.hardware());
        require(field, "firmware_version", h.firmwareVersion(), release.version());
        String newSha = HexFormat.of().formatHex(h.newImage().sha256());
        if (!newSha.equals(release.imageSha())) {
            throw HttpError.badRequest(field + ": new image SHA-256 " + newSha + " is not the release's image "
                    + release.imageSha());
        }
        require(field, "new image size", h.newSize(), release.imageSize());
        // a header with flag SHA_ONLY records the first 16 bytes of it: compared on those
        String oldSha = HexFormat.of().formatHex(h.oldImage().sha256());
        if (!fromSha.startsWith(oldSha)) {
            throw HttpError.badRequest(field + ": old image SHA-256 " + oldSha + " is not the base " + fromSha
                    + " it is filed under");
        }
    }

    private static void require(String field, String name, long got, long want) {
        if (got != want) {
            throw HttpError.badRequest(field + ": " + name + " " + Long.toUnsignedString(got) + " is not the release's "
                    + Long.toUnsignedString(want));
        }
    }

    private PatchHeader header(String field, String sha) {
        byte[] prefix;
        try (InputStream in = Files.newInputStream(store.path(sha))) {
            prefix = in.readNBytes(Limits.HEADER_SIZE);
        } catch (IOException e) {
            throw new IllegalStateException("artifact store: " + sha + ": " + e.getMessage(), e);
        }
        try {
            return PatchHeader.parse(prefix);
        } catch (PatchException e) {
            throw HttpError.badRequest(field + ": the patch header does not parse: " + e.getMessage());
        }
    }
}
