// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.server.device.DevicePollCommand;
import dev.fwdelta.server.device.DeviceState;
import dev.fwdelta.server.device.ShortBodyLimits;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fwdelta device poll} against a server that misbehaves on purpose: every run ends either
 * on an image the device may run or with one error line and a documented exit code.
 */
class DevicePollHostileTest {
    @TempDir
    Path dir;

    private Fleet fleet;
    private HostileUpdateServer server;
    private Path image;
    private Path flash;
    private Path secret;

    @BeforeEach
    void start() throws Exception {
        fleet = new Fleet(dir);
        server = new HostileUpdateServer();
        image = Files.write(dir.resolve("dev.bin"), fleet.v1);
        flash = dir.resolve("dev.flash");
        secret = Files.writeString(dir.resolve("dev.secret"), "0123456789abcdef0123456789abcdef");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One run of {@code device poll} in this JVM, on the device's flash file; --image v1 as version 2 the first time. */
    private Fleet.Run poll() {
        return poll(ServerMain.commandLine());
    }

    /** As {@link #poll()}, with body limits of a second: for a server that stalls mid-body. */
    private Fleet.Run pollWithShortLimits() {
        return poll(ShortBodyLimits.commandLine(Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    private Fleet.Run poll(CommandLine cl) {
        return Fleet.cli(cl, "device", "poll", "--server", server.uri().toString(), "--id", "dev",
                "--secret-file", secret.toString(), "--layout", "stm32l4-512k", "--image", image.toString(),
                "--flash-file", flash.toString(), "--hardware-id", Long.toString(Fleet.HW), "--installed-version", "2");
    }

    /** The server offers v1 to v2 as version 3 at /a/3 and keeps the reports it gets, which it returns. */
    private List<String> offerVersion3() throws Exception {
        byte[] v3 = PatchBuilder.build(fleet.v1, fleet.v2, Fleet.options(3)).patch();
        server.artifacts.put("/a/3", v3);
        server.checkin = form -> HostileUpdateServer.Answer.ok(HostileUpdateServer.offer(3, v3, "/a/3"));
        List<String> reports = new CopyOnWriteArrayList<>();
        server.report = form -> {
            reports.add(form);
            return HostileUpdateServer.Answer.ok("ok");
        };
        return reports;
    }

    private DeviceState state() throws Exception {
        return DeviceState.load(DevicePollCommand.stateFile(flash));
    }

    /**
     * Version 5 is staged but its 'staged' report fails; the next run finishes its install and then
     * is offered version 3: a rollback, whatever the state file said before the install was settled.
     */
    @Test
    void anOfferBelowAnInstallFinishedAfterAPowerCutIsARollback() throws Exception {
        byte[] v5 = PatchBuilder.build(fleet.v1, fleet.v2, Fleet.options(5)).patch();
        byte[] v3 = PatchBuilder.build(fleet.v2, fleet.v0, Fleet.options(3)).patch();
        server.artifacts.put("/a/5", v5);
        server.artifacts.put("/a/3", v3);
        server.checkin = form -> HostileUpdateServer.Answer.ok(form.contains("ver=2&")
                ? HostileUpdateServer.offer(5, v5, "/a/5") : HostileUpdateServer.offer(3, v3, "/a/3"));
        server.report = form -> form.contains("status=staged") && form.contains("ver=5")
                ? new HostileUpdateServer.Answer(500, "error: internal".getBytes()) : HostileUpdateServer.Answer.ok("ok");

        Fleet.Run first = poll();
        assertEquals(5, first.exit(), first.err());
        assertEquals(5, state().pending().version(), "version 5 is staged, not yet recorded installed");

        Fleet.Run second = poll();
        assertEquals(6, second.exit(), second.out() + second.err());
        assertTrue(second.err().startsWith("fwdelta: error: ROLLBACK (40)"), second.err());
        assertEquals(1, second.err().lines().count(), second.err());
        assertEquals(5, state().installed().version());
        assertArrayEquals(fleet.v2, Files.readAllBytes(image), "--image holds version 5's image");
    }

    /**
     * The artifact is not the one the check-in names (PAYLOAD_HASH) and the 'failed' report is
     * refused: the refused download must still be discarded, so the next run starts over and
     * refuses it again instead of resuming at its end, where nothing is left to hash, and installing it.
     */
    @Test
    void aRefusedArtifactStaysRefusedWhenItsFailedReportIsRefused() throws Exception {
        byte[] v3 = PatchBuilder.build(fleet.v1, fleet.v2, Fleet.options(3)).patch();
        server.artifacts.put("/a/3", v3);
        byte[] other = v3.clone();
        other[other.length - 1] ^= 1;
        String answer = HostileUpdateServer.offer(3, other, "/a/3");
        server.checkin = form -> HostileUpdateServer.Answer.ok(answer);
        server.report = form -> form.contains("status=failed")
                ? new HostileUpdateServer.Answer(503, "error: busy".getBytes()) : HostileUpdateServer.Answer.ok("ok");

        for (int run = 1; run <= 2; run++) {
            Fleet.Run r = poll();
            assertEquals(3, r.exit(), "run " + run + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("fwdelta: error: PAYLOAD_HASH (32)"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertEquals(2, state().installed().version(), "run " + run);
            assertArrayEquals(fleet.v1, Files.readAllBytes(image), "run " + run + ": --image is left as it was");
        }
    }

    /**
     * A 206 that says it carries another range than the one asked (here: the honest label of bytes
     * from 0, or none at all) is refused before any of its bytes reaches the agent: exit 5 naming
     * the header, no 'failed' report (the patch is not at fault), and the next honest run installs.
     */
    @Test
    void aRangeAnswerLabelledOtherThanAskedIsRefused() throws Exception {
        List<String> reports = offerVersion3();
        String[] labels = {"bytes 0-%2$d/%3$d", null};
        for (String label : labels) {
            server.range = (ex, artifact, first, last) -> {
                if (first == 0) {
                    HostileUpdateServer.honest(ex, artifact, first, last);
                    return;
                }
                if (label != null) {
                    ex.getResponseHeaders().add("Content-Range", String.format(label, first, last - first, artifact.length));
                }
                HostileUpdateServer.send(ex, 206, Arrays.copyOfRange(artifact, 0, last - first + 1));
            };
            Fleet.Run r = poll();
            assertEquals(5, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("fwdelta: error: download of /a/3 answered Content-Range "), r.err());
            assertTrue(r.err().contains(label == null ? "(none)" : "'bytes 0-"), r.err());
            assertTrue(r.err().contains("not the asked 'bytes "), r.err());
            assertTrue(reports.stream().noneMatch(f -> f.contains("status=failed")), reports.toString());
        }
        server.range = HostileUpdateServer::honest;
        Fleet.Run r = poll();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(3, state().installed().version());
    }

    /**
     * A check-in answer whose SIZE is below the patch header's header_size (or below the 8-byte
     * prefix that holds it), served honestly as that many bytes: the answer is at fault, not the
     * patch nor the link, so the run ends with exit 5 naming SIZE and header_size, no 'failed'
     * report, nothing staged, and the next honest offer installs.
     */
    @Test
    void anOfferSmallerThanItsPatchHeaderIsTheAnswersFault() throws Exception {
        List<String> reports = offerVersion3();
        byte[] v3 = server.artifacts.get("/a/3");
        int headerSize = PatchHeader.sizeFromPrefix(v3);
        for (int size : new int[] {5, 30, headerSize - 1}) {
            byte[] cut = Arrays.copyOf(v3, size);
            server.artifacts.put("/a/cut", cut);
            server.checkin = form -> HostileUpdateServer.Answer.ok(HostileUpdateServer.offer(3, cut, "/a/cut"));
            Fleet.Run r = poll();
            assertEquals(5, r.exit(), "SIZE " + size + ": " + r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("fwdelta: error: the server's check-in answer offers SIZE " + size + " bytes"),
                    r.err());
            assertTrue(r.err().contains(size < 8 ? "SIZE must be at least the header_size (8..256)"
                    : "header_size is " + headerSize + ": SIZE must be at least " + headerSize), r.err());
            assertTrue(reports.stream().noneMatch(f -> f.contains("status=failed")), reports.toString());
            assertEquals(2, state().installed().version(), "SIZE " + size);
        }
        server.checkin = form -> HostileUpdateServer.Answer.ok(HostileUpdateServer.offer(3, v3, "/a/3"));
        Fleet.Run r = poll();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(3, state().installed().version());
    }

    /** A refusal's body is the server's text: printed escaped on the one error line, never as a line of its own. */
    @Test
    void aServersErrorTextCannotForgeALineOrAnEscape() throws Exception {
        server.checkin = form -> new HostileUpdateServer.Answer(500,
                "error: boom\nfwdelta: error: fake\u001b[31mRED".getBytes(StandardCharsets.UTF_8));
        Fleet.Run r = poll();
        assertEquals(5, r.exit(), r.err());
        assertEquals(List.of("fwdelta: error: /d/checkin answered 500: error: boom\\x0Afwdelta: error: fake\\x1B[31mRED"),
                r.err().lines().toList());
    }

    /**
     * A check-in answer whose headers promise 100 bytes and whose body never comes: the request's
     * timeout covers only the headers, so the body's idle limit must end the run, one line naming
     * the URL and the limit, exit 5.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCheckinAnswerThatStallsEndsAtTheIdleLimit() throws Exception {
        server.checkin = form -> new HostileUpdateServer.Answer(200, new byte[0], 100);
        Fleet.Run r = pollWithShortLimits();
        assertEquals(5, r.exit(), r.out() + r.err());
        assertEquals(List.of("fwdelta: error: /d/checkin answer from " + server.uri().resolve("/d/checkin")
                + " stalled: no byte within the idle limit of 1 s"), r.err().lines().toList());
        assertEquals(2, state().installed().version());
    }

    /**
     * A download that sends some bytes and then stalls: the idle limit ends the run (exit 5, no
     * 'failed' report: the link failed, not the patch), what was applied stays, and the next honest
     * run resumes and installs.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDownloadThatStallsEndsAtTheIdleLimitAndResumes() throws Exception {
        List<String> reports = offerVersion3();
        server.range = (ex, artifact, first, last) -> {
            if (first == 0) {
                HostileUpdateServer.honest(ex, artifact, first, last);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + artifact.length);
            ex.sendResponseHeaders(206, last - first + 1);
            server.sendThenStall(ex, Arrays.copyOfRange(artifact, first, first + 10));
        };
        Fleet.Run r = pollWithShortLimits();
        assertEquals(5, r.exit(), r.out() + r.err());
        assertEquals(List.of("fwdelta: error: download of " + server.uri().resolve("/a/3")
                + " stalled: no byte within the idle limit of 1 s"), r.err().lines().toList());
        assertTrue(reports.stream().noneMatch(f -> f.contains("status=failed")), reports.toString());
        assertEquals(3, state().pending().version(), "the stalled update stays pending, to be resumed");

        server.range = HostileUpdateServer::honest;
        Fleet.Run again = poll();
        assertEquals(0, again.exit(), again.out() + again.err());
        assertEquals(3, state().installed().version());
        assertArrayEquals(fleet.v2, Files.readAllBytes(image));
    }
}
