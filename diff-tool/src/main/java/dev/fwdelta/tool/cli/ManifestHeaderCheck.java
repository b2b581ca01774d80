// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.TrustedKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Checks a patch's header against the manifest entry that names it and the manifest's target: old
 * and new image (size, SHA-256), firmware version, hardware id and signing key. The file's size and
 * SHA-256 prove only that the file is the one the manifest lists; a manifest edited by hand keeps
 * those in step while it describes the patch wrongly, and a merge would publish that description.
 */
final class ManifestHeaderCheck {
    private final String where;

    private ManifestHeaderCheck(String where) {
        this.where = where;
    }

    /** Refuses (exit 3, naming the manifest, entry, file and field) a patch its manifest does not describe. */
    static void check(Path manifest, int index, Path file, ReleaseManifest.Target target, ReleaseManifest.Entry e,
                      byte[] patch) throws ManifestMismatchException {
        String where = manifest + ": patches[" + index + "]: the header of " + file;
        PatchHeader h;
        try {
            h = PatchHeader.parse(patch);
        } catch (PatchException ex) {
            throw new ManifestMismatchException(where + " does not parse: " + ex.getMessage());
        }
        new ManifestHeaderCheck(where).compare(h, target, e);
    }

    private void compare(PatchHeader h, ReleaseManifest.Target target, ReleaseManifest.Entry e)
            throws ManifestMismatchException {
        same("from_size", Long.toString(h.oldSize()), Long.toString(e.fromSize()));
        // A header with flag SHA_ONLY records the first 16 bytes of the SHA-256: compared on those.
        String oldSha = HexFormat.of().formatHex(h.oldImage().sha256());
        if (!e.fromSha256().toLowerCase(Locale.ROOT).startsWith(oldSha)) {
            String part = oldSha.length() < 64 ? " (its first " + oldSha.length() / 2 + " bytes)" : "";
            throw new ManifestMismatchException(where + " gives from_sha256 " + oldSha + part + ", the manifest "
                    + e.fromSha256());
        }
        same("target.size", Long.toString(h.newSize()), Long.toString(target.size()));
        same("target.sha256", HexFormat.of().formatHex(h.newImage().sha256()),
                target.sha256().toLowerCase(Locale.ROOT));
        same("target.firmware_version", Long.toUnsignedString(h.firmwareVersion()), target.firmwareVersion());
        same("target.hardware_id", String.format("0x%08x", h.hardwareId()),
                target.hardwareId().toLowerCase(Locale.ROOT));
        boolean signed = (h.flags() & PatchHeader.FLAG_SIGNED) != 0;
        same("key_id", signed ? TrustedKey.keyIdHex(h.signature().keyId()) : null,
                e.keyId() == null ? null : e.keyId().toLowerCase(Locale.ROOT));
    }

    private void same(String field, String header, String manifest) throws ManifestMismatchException {
        if (!Objects.equals(header, manifest)) {
            throw new ManifestMismatchException(where + " gives " + field + " " + shown(header) + ", the manifest "
                    + shown(manifest));
        }
    }

    private static String shown(String value) {
        return value == null ? "none (not signed)" : value;
    }
}
