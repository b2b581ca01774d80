// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.OtaDevice;
import dev.fwdelta.server.publish.AdminClient;
import dev.fwdelta.server.publish.Publisher;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.cli.ReleaseManifest;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sign.PatchSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fwdelta matrix} -> {@code fwdelta release publish --matrix}: devices on several old versions
 * get the matrix's patch bytes exactly and install them; the server refuses a patch that is not the
 * release's, naming the field; the CLI refuses a matrix that does not fit the server or its manifest.
 */
class OtaMatrixPublishTest {
    @TempDir
    Path dir;

    @Test
    void devicesOnSeveralOldVersionsGetTheMatrixPatchesExactly() throws Exception {
        Fleet fleet = new Fleet(dir);
        Path v0 = Files.write(dir.resolve("v0.bin"), fleet.v0);
        Path v1 = Files.write(dir.resolve("v1.bin"), fleet.v1);
        Path v2 = Files.write(dir.resolve("v2.bin"), fleet.v2);
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        Path out = dir.resolve("matrix");
        Fleet.Run matrix = Fleet.cli(Main.commandLine(), "matrix", "--new", v2.toString(), "--old", v0.toString(),
                "--old", v1.toString(), "--out", out.toString(), "--key", dir.resolve("release.pem").toString(),
                "--firmware-version", "3", "--hardware-id", Long.toString(Fleet.HW), "--block-size", "8192");
        assertEquals(0, matrix.exit(), matrix.err());
        ReleaseManifest manifest = ReleaseManifest.read(out.resolve("manifest.json"));
        assertEquals(2, manifest.patches().size());
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            URI uri = Fleet.uri(server);
            String url = uri.toString();
            // The bases: versions 1 and 2 published from their images.
            Publisher p = new Publisher(new AdminClient(uri, Fleet.TOKEN), line -> { });
            p.publish(fleet.v0, Fleet.options(1), fleet.key, "all");
            p.publish(fleet.v1, Fleet.options(2), fleet.key, "all");

            // Refused before anything is recorded: the flags that the manifest decides, a tampered patch.
            Fleet.Run both = Fleet.cli("release", "publish", "--server", url, "--admin-token-file", token.toString(),
                    "--image", v2.toString(), "--key", dir.resolve("release.pem").toString(), "--matrix", out.toString(),
                    "--hardware-id", "7");
            assertEquals(2, both.exit(), both.err());
            assertTrue(both.err().contains("--matrix takes the hardware id"), both.err());
            Path tampered = copy(out, dir.resolve("tampered"));
            Path victim = tampered.resolve(manifest.patches().get(1).file());
            byte[] b = Files.readAllBytes(victim);
            b[b.length / 2] ^= 1;
            Files.write(victim, b);
            Fleet.Run bad = publishMatrix(url, token, v2, tampered);
            assertEquals(3, bad.exit(), bad.err());
            assertTrue(bad.err().contains("does not match its manifest"), bad.err());
            Path nulled = copy(out, dir.resolve("nulled"));
            Path nulledManifest = nulled.resolve("manifest.json");
            Files.writeString(nulledManifest, Files.readString(nulledManifest).replaceFirst(
                    "(?s)\"patches\": \\[.*\\]", "\"patches\": [null]"));
            Fleet.Run nullEntry = publishMatrix(url, token, v2, nulled);
            assertEquals(5, nullEntry.exit(), nullEntry.err());
            assertEquals("fwdelta: error: " + nulledManifest + ": patches[0]: null, not an object",
                    nullEntry.err().strip());
            Fleet.Run wrongImage = publishMatrix(url, token, v1, out);
            assertEquals(2, wrongImage.exit(), wrongImage.err());
            assertTrue(wrongImage.err().contains("is not the matrix's new image"), wrongImage.err());

            Fleet.Run ok = publishMatrix(url, token, v2, out);
            assertEquals(0, ok.exit(), ok.err());
            assertTrue(ok.out().contains("release 3 for hardware " + Fleet.HW + ": 2 patches"), ok.out());
            Fleet.Run again = publishMatrix(url, token, v2, out);
            assertEquals(0, again.exit(), again.err());
            assertTrue(again.out().contains("exists already as posted: unchanged"), again.out());

            Fleet.Device onV0 = fleet.new Device(uri, "on-v0", "default", fleet.v0, 1);
            Fleet.Device onV1 = fleet.new Device(uri, "on-v1", "default", fleet.v1, 2);
            for (Fleet.Device dev : List.of(onV0, onV1)) {
                byte[] base = dev == onV0 ? fleet.v0 : fleet.v1;
                ReleaseManifest.Entry e = manifest.patches().stream()
                        .filter(x -> x.fromSha256().equals(OtaDevice.Installed.of(0, base).sha256())).findFirst().orElseThrow();
                assertArrayEquals(Files.readAllBytes(out.resolve(e.file())),
                        dev.offeredBytes(uri, dev.installed.version(), base), dev.id + " is offered " + e.file());
                assertEquals(OtaDevice.Outcome.INSTALLED, dev.ota.poll(dev.installed), dev.id);
                assertArrayEquals(fleet.v2, dev.active(fleet.v2.length), dev.id + " runs v2 exactly");
                assertEquals(e.sha256(), dev.ota.lastOffer().sha256());
            }
        }
    }

    private Fleet.Run publishMatrix(String url, Path token, Path image, Path matrix) {
        return Fleet.cli("release", "publish", "--server", url, "--admin-token-file", token.toString(),
                "--image", image.toString(), "--key", dir.resolve("release.pem").toString(), "--matrix", matrix.toString());
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void theServerRefusesAPatchThatIsNotTheReleasesNamingTheField() throws Exception {
        Fleet fleet = new Fleet(dir);
        Random r = new Random(5);
        byte[] a = Arrays.copyOf(fleet.v0, 8192);
        byte[] b = a.clone();
        byte[] other = a.clone();
        for (int i = 0; i < 40; i++) {
            b[r.nextInt(b.length)] ^= 1;
            other[r.nextInt(other.length)] ^= 2;
        }
        try (OtaServer server = Fleet.sqliteServer(dir)) {
            AdminClient admin = new AdminClient(Fleet.uri(server), Fleet.TOKEN);
            new Publisher(admin, line -> { }).publish(a, Fleet.options(1), fleet.key, "all");
            String aSha = admin.images(Fleet.HW).get(0).sha256();
            String image = admin.putArtifact(b);
            admin.putArtifact(other);
            String full = admin.putArtifact(signed(new byte[0], b, Fleet.options(2), fleet));
            String good = admin.putArtifact(signed(a, b, Fleet.options(2), fleet));

            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact("not a patch at all".repeat(20)
                    .getBytes(StandardCharsets.US_ASCII)), "the patch header does not parse");
            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact(
                    PatchBuilder.build(a, b, Fleet.options(2)).patch()), "the patch is not signed");
            BuildOptions otherBoard = new BuildOptions(null, BuildOptions.DEFAULT_RAM_BUDGET, 8192, 2, Fleet.HW + 1);
            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact(signed(a, b, otherBoard, fleet)),
                    "hardware_id " + (Fleet.HW + 1) + " is not the release's " + Fleet.HW);
            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact(signed(a, b, Fleet.options(5), fleet)),
                    "firmware_version 5 is not the release's 2");
            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact(signed(a, other, Fleet.options(2), fleet)),
                    "new image SHA-256");
            assertRefused(admin, image, full, aSha + ":" + admin.putArtifact(signed(other, b, Fleet.options(2), fleet)),
                    "old image SHA-256");
            String otherSha = OtaDevice.Installed.of(0, other).sha256();
            assertRefused(admin, image, full, otherSha + ":" + admin.putArtifact(signed(other, b, Fleet.options(2), fleet)),
                    "is not an image published for hardware " + Fleet.HW);
            String unsignedFull = admin.putArtifact(PatchBuilder.build(new byte[0], b, Fleet.options(2)).patch());
            assertRefused(admin, image, unsignedFull, aSha + ":" + good, "full: the patch is not signed");

            // None of those recorded anything: the good release is new, then a no-op, and another image is 409.
            assertTrue(admin.addRelease(Fleet.HW, 2, image, full, List.of(aSha + ":" + good), "all")
                    .startsWith("release 2 for hardware " + Fleet.HW + ": 1 patches"));
            assertTrue(admin.addRelease(Fleet.HW, 2, image, full, List.of(aSha + ":" + good), "all")
                    .endsWith("unchanged"));
            IOException conflict = assertThrows(IOException.class,
                    () -> admin.addRelease(Fleet.HW, 2, aSha, admin.putArtifact(signed(new byte[0], a, Fleet.options(2),
                            fleet)), List.of(), "all"));
            assertTrue(conflict.getMessage().contains("answered 409"), conflict.getMessage());
            assertEquals(2, admin.images(Fleet.HW).size());
        }
    }

    private static byte[] signed(byte[] old, byte[] now, BuildOptions options, Fleet fleet) throws Exception {
        return PatchSigner.sign(PatchBuilder.build(old, now, options).patch(), fleet.key);
    }

    private static void assertRefused(AdminClient admin, String image, String full, String patch, String why) {
        IOException e = assertThrows(IOException.class,
                () -> admin.addRelease(Fleet.HW, 2, image, full, List.of(patch), "all"));
        assertTrue(e.getMessage().contains("answered 400") && e.getMessage().contains(why), e.getMessage());
    }
}
