// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.Limits;
import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.PersistentDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download cut in the middle by a real relay and finished by the next {@code device poll} run (a
 * new OtaDevice and PersistentDevice over the same files, nothing kept in memory) is still compared
 * with the check-in answer's SHA-256 over every byte: the hash state saved beside the flash
 * (FLASH-FILE.download) continues it, and without it the bytes before the agent's resume offset are
 * fetched again for the hash. An artifact that is not the offered one, or a saved state damaged on
 * disk between the runs, is refused (PAYLOAD_HASH, exit 3) before anything is staged, and the next
 * run downloads the update again and installs it. The device runs an image the server does not
 * know, so it is offered the full image: a payload of many blocks, cut after some were applied.
 */
class DownloadResumeHashTest {
    @TempDir
    Path dir;

    /** A device image the server has not seen (v1 with one byte changed). */
    private static byte[] unknownImage(Fleet fleet) {
        byte[] image = fleet.v1.clone();
        image[100] ^= 1;
        return image;
    }

    private interface AfterTheCut {
        /** Between the runs; returns the bytes the resuming run is to download, or -1 when it is to refuse. */
        long run(RelayedDevice d, long cutAt, long resume) throws Exception;
    }

    /** Run 1 cut at half the artifact; {@code between}; run 2 resumes (installs, or refuses and run 3 installs). */
    private void cutThenResume(AfterTheCut between) throws Exception {
        Fleet fleet = new Fleet(dir);
        RelayedDevice.with(dir, fleet, unknownImage(fleet), (d, relay) -> {
            long cutAt = d.cutAt(d.oneErrorLine(d.pollCutAfter(relay, (int) (d.offer.size() / 2)), 5));
            long resume = d.assertNothingStaged(true);
            assertTrue(resume > d.headerSize(), "blocks were applied before the cut: resume offset " + resume);
            long expected = between.run(d, cutAt, resume);
            if (expected >= 0) {
                d.pollInstalls(expected);
                assertFalse(Files.exists(checkpoint(d)), "the hash state is dropped once the update is staged");
                return;
            }
            String line = d.oneErrorLine(d.poll(), 3);
            assertTrue(line.startsWith("fwdelta: error: PAYLOAD_HASH (32): the download of " + d.offer.url()
                    + " hashes to SHA-256 "), line);
            assertTrue(line.endsWith(", not to the check-in answer's " + d.offer.sha256() + ": refused before install"),
                    line);
            assertEquals(0, d.assertNothingStaged(true), "the refused download was discarded");
            assertFalse(Files.exists(checkpoint(d)), "its hash state too");
            d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - d.headerSize());
        });
    }

    /** The SHA-256 (hex) of the offered patch's header, as the store's file holds it. */
    private static String headerSha256(RelayedDevice d) throws Exception {
        return HexFormat.of().formatHex(ImageChecksums.of(Arrays.copyOf(Files.readAllBytes(d.artifactFile()),
                d.headerSize())).sha256());
    }

    private static Path checkpoint(RelayedDevice d) {
        return PersistentDevice.checkpointFile(DevicePollCommand.stateFile(d.flash));
    }

    /** The first run's hash state covers every byte it received: the second fetches the header and the rest only. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aResumedDownloadContinuesTheSavedHashAndInstalls() throws Exception {
        cutThenResume((d, cutAt, resume) -> {
            String[] saved = Files.readString(checkpoint(d)).strip().split(" ");
            assertEquals(d.offer.sha256(), saved[1]);
            assertEquals(headerSha256(d), saved[2], "the header it hashed");
            assertEquals(cutAt, Long.parseLong(saved[3]), "hashed up to the cut");
            return Limits.HEADER_SIZE + d.offer.size() - resume;
        });
    }

    /** Without the saved hash state the payload before the resume offset is fetched again, for the hash only. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutTheSavedHashThePrefixIsFetchedAgainForTheHash() throws Exception {
        cutThenResume((d, cutAt, resume) -> {
            Files.delete(checkpoint(d));
            return Limits.HEADER_SIZE + d.offer.size() - d.headerSize();
        });
    }

    /**
     * The store's file has a changed signature byte (which a device without --trust reads nowhere
     * else) from the start, so both runs get the same bytes: only the hash over both runs' bytes
     * can refuse it. Mended in the store, the next run downloads it again and installs.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anArtifactThatIsNotTheOfferedOneIsRefusedWhenResumed() throws Exception {
        Fleet fleet = new Fleet(dir);
        RelayedDevice.with(dir, fleet, unknownImage(fleet), (d, relay) -> {
            byte[] good = Files.readAllBytes(d.artifactFile());
            byte[] bad = good.clone();
            bad[DownloadHashTest.signatureByte(bad)] ^= 0x5a;
            Files.write(d.artifactFile(), bad);
            d.cutAt(d.oneErrorLine(d.pollCutAfter(relay, (int) (d.offer.size() / 2)), 5));
            assertTrue(d.assertNothingStaged(true) > d.headerSize(), "blocks were applied before the cut");
            String line = d.oneErrorLine(d.poll(), 3);
            assertTrue(line.startsWith("fwdelta: error: PAYLOAD_HASH (32): the download of " + d.offer.url()), line);
            assertEquals(0, d.assertNothingStaged(true), "the refused download was discarded");
            Files.write(d.artifactFile(), good);
            d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - d.headerSize());
        });
    }

    /**
     * Between the runs the store's file gets another header (a changed signature byte, which a
     * device without --trust reads nowhere else) and keeps the rest: the agent begins that patch
     * afresh, so the saved hash, which holds the first run's header, stands for no byte it has. Resumed,
     * it would skip the new header and come out as the offered one's: the patch with the changed
     * header was installed. It is refused, and once the file is mended the next run installs.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSavedHashOfAnotherHeaderIsNotResumed() throws Exception {
        Fleet fleet = new Fleet(dir);
        RelayedDevice.with(dir, fleet, unknownImage(fleet), (d, relay) -> {
            d.cutAt(d.oneErrorLine(d.pollCutAfter(relay, (int) (d.offer.size() / 2)), 5));
            assertTrue(d.assertNothingStaged(true) > d.headerSize(), "blocks were applied before the cut");
            byte[] good = Files.readAllBytes(d.artifactFile());
            byte[] bad = good.clone();
            bad[DownloadHashTest.signatureByte(bad)] ^= 0x5a;
            Files.write(d.artifactFile(), bad);
            String line = d.oneErrorLine(d.poll(), 3);
            assertTrue(line.startsWith("fwdelta: error: PAYLOAD_HASH (32): the download of " + d.offer.url()), line);
            assertEquals(0, d.assertNothingStaged(true), "the refused download was discarded");
            assertFalse(Files.exists(checkpoint(d)), "its hash state too");
            Files.write(d.artifactFile(), good);
            d.pollInstalls(Limits.HEADER_SIZE + d.offer.size() - d.headerSize());
        });
    }

    /** One hex digit of the saved hash state changed on disk: the hash comes out wrong, refused; the next run starts over. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSavedHashDamagedOnDiskIsRefusedAndTheNextRunDownloadsAgain() throws Exception {
        cutThenResume((d, cutAt, resume) -> {
            String text = Files.readString(checkpoint(d));
            int at = text.lastIndexOf(' ') + 5; // a digit of the state's first word
            char c = text.charAt(at);
            Files.writeString(checkpoint(d), text.substring(0, at) + (c == '0' ? '1' : '0') + text.substring(at + 1));
            return -1;
        });
    }

    /**
     * A saved hash state that does not parse is an I/O error naming the file, the field and its
     * range (exit 5), and is dropped: the next run fetches the payload before the resume offset
     * again for the hash, and installs.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMalformedSavedHashIsAnErrorAndIsDropped() throws Exception {
        cutThenResume((d, cutAt, resume) -> {
            Path file = checkpoint(d);
            String sha = d.offer.sha256() + " " + headerSha256(d);
            String[][] cases = {
                {"download " + sha + " 99999999999 " + "0".repeat(64),
                    file + ": download checkpoint HASHED 99999999999 is outside 0..4294967296"},
                {"download " + sha + " 100 " + "0".repeat(64), file + ": download checkpoint (dropped: the next run"
                    + " downloads the update again): STATE has 64 hex digits, not the 136 of HASHED 100"},
                {"download " + sha + " 100", file + ": download checkpoint (dropped: the next run downloads the update"
                    + " again): 'download " + sha + " 100' is not 'download ARTIFACT_SHA256 HEADER_SHA256 HASHED STATE'"},
                {"download " + sha + " " + (d.offer.size() + 1) + " " + "0".repeat(64 + 2 * (int) ((d.offer.size() + 1) % 64)),
                    "the download checkpoint has HASHED " + (d.offer.size() + 1) + ", outside 0.." + d.offer.size()
                        + " (the offered SIZE): dropped, the next run downloads the update again"}};
            for (String[] c : cases) {
                Files.writeString(file, c[0] + "\n", StandardCharsets.US_ASCII);
                String line = d.oneErrorLine(d.poll(), 5);
                assertTrue(line.startsWith("fwdelta: error: " + c[1]), line);
                assertFalse(Files.exists(file), c[0]);
                assertEquals(resume, d.assertNothingStaged(true), "what the agent applied is kept");
            }
            return Limits.HEADER_SIZE + d.offer.size() - d.headerSize();
        });
    }
}
