// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release may name {@link AdminApi#MAX_PATCHES} patches, as docs/OTA.md says, posted the way the
 * publisher posts them (AdminClient's form), and not one more. That many bases cannot be published
 * in a test's time, so they are recorded here straight into the server's database and store: each
 * patch is the release's real signed full patch with its header's old image changed to one base
 * (the server reads headers only; devices check signatures).
 */
class ReleasePatchLimitTest {
    @TempDir
    Path dir;

    @Test
    void aReleaseTakesTheDocumentedNumberOfPatchesAndRefusesOneMore() throws Exception {
        atTheLimit("jdbc:sqlite:" + dir.resolve("db"));
    }

    /** The same on PostgreSQL, the production database: one transaction records all the patches. */
    @Test
    void onPostgresToo() throws Exception {
        try (Postgres pg = new Postgres()) {
            atTheLimit(pg.url);
        }
    }

    private void atTheLimit(String jdbc) throws Exception {
        Fleet fleet = new Fleet(dir);
        try (OtaServer server = OtaServer.start(Fleet.settings(jdbc, dir.resolve("store"), 1 << 20));
             Database db = new Database(jdbc, null, null)) {
            URI uri = Fleet.uri(server);
            AdminClient admin = new AdminClient(uri, Fleet.TOKEN);
            byte[] full = PatchSigner.sign(PatchBuilder.build(new byte[0], fleet.v1, Fleet.options(2)).patch(), fleet.key);
            String fullSha = admin.putArtifact(full);
            String imageSha = admin.putArtifact(fleet.v1);
            PatchHeader header = PatchHeader.parse(full);
            List<String> patches = patchesFromBases(db, new ArtifactStore(dir.resolve("store")), header,
                    AdminApi.MAX_PATCHES + 1);

            String answer = admin.addRelease(Fleet.HW, 2, imageSha, fullSha, patches.subList(0, AdminApi.MAX_PATCHES),
                    "all");
            assertEquals("release 2 for hardware " + Fleet.HW + ": " + AdminApi.MAX_PATCHES + " patches, rollout all",
                    answer);

            IOException over = assertThrows(IOException.class,
                    () -> admin.addRelease(Fleet.HW, 3, imageSha, fullSha, patches, "all"));
            assertTrue(over.getMessage().contains("answered 400: error: patch: a release names 0 to "
                    + AdminApi.MAX_PATCHES + " patches (one per base), got " + (AdminApi.MAX_PATCHES + 1)),
                    over.getMessage());

            // Past the body limit nothing is parsed: 413 naming it (the figure docs/OTA.md gives).
            assertEquals(1_445_536, AdminApi.MAX_RELEASE_FORM_BYTES);
            String huge = "hw=1&ver=4&patch=" + "a".repeat(AdminApi.MAX_RELEASE_FORM_BYTES);
            IOException tooLarge = assertThrows(IOException.class, () -> admin.addRelease(Fleet.HW, 4, imageSha, fullSha,
                    List.of(huge), "all"));
            assertTrue(tooLarge.getMessage().contains("answered 413: error: request body is larger than "
                    + AdminApi.MAX_RELEASE_FORM_BYTES + " bytes"), tooLarge.getMessage());
        }
    }

    /**
     * {@code n} bases recorded as published images for the hardware id, and for each a patch
     * artifact in the store: {@code header} with that base as its old image. Returns them as the
     * release form's FROM:PATCH values.
     */
    private static List<String> patchesFromBases(Database db, ArtifactStore store, PatchHeader header, int n)
            throws Exception {
        boolean shaOnly = (header.flags() & PatchHeader.FLAG_SHA_ONLY) != 0;
        List<String> patches = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] base = ("base image " + i).getBytes(StandardCharsets.US_ASCII);
            ImageChecksums old = shaOnly ? ImageChecksums.forCompactHeader(base).shaOnly(ImageChecksums.SHORT_SHA256_BYTES)
                    : ImageChecksums.of(base);
            byte[] patch = new PatchHeader(header.version(), header.flags(), header.codec(), header.codecProps(),
                    header.mapCount(), header.mapLength(), header.codecWindow(), header.decoderRam(), header.maxBlockRaw(),
                    header.blockCount(), header.payloadLength(), old, header.newImage(), header.payloadSha256(),
                    header.firmwareVersion(), header.hardwareId(), header.signature(), header.loadAddress()).encode();
            String patchSha = sha256(patch);
            store.put(patchSha, new ByteArrayInputStream(patch), patch.length);
            patches.add(sha256(base) + ":" + patchSha);
            sizes.add(new long[] {base.length, patch.length});
        }
        db.inTransaction(c -> {
            try (PreparedStatement a = c.prepareStatement("INSERT INTO artifacts (sha, size) VALUES (?, ?)");
                 PreparedStatement img = c.prepareStatement("INSERT INTO images (sha, hardware, version) VALUES (?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    String[] fromPatch = patches.get(i).split(":");
                    for (int k = 0; k < 2; k++) {
                        a.setString(1, fromPatch[k]);
                        a.setLong(2, sizes.get(i)[k]);
                        a.addBatch();
                    }
                    img.setString(1, fromPatch[0]);
                    img.setLong(2, Fleet.HW);
                    img.setLong(3, 1);
                    img.addBatch();
                }
                a.executeBatch();
                img.executeBatch();
            }
            return null;
        });
        return patches;
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(ArtifactStore.sha256().digest(b));
    }
}
