// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts on the QEMU device during an update and its install: QEMU stops at a planned flash
 * operation (the board's flash port counts them; half of the cuts tear that operation) or is
 * SIGKILLed at a random moment; then it is started again on the same flash file. Every time the
 * bootloader must start a whole image (the active slot equals v1 or v2 byte for byte) and a
 * resend must finish the update on v2.
 *
 * <p>CI runs 24 cuts (12 at flash operations, 12 random kills, seeded); the exhaustive run, a cut
 * before every flash operation with and without tearing, is the Maven profile qemu-power-cuts
 * (README "A real device in QEMU" has its counts).
 */
class QemuPowerCutTest {
    private static final Pattern OPS = Pattern.compile("boot: flash operations (\\d+)");
    private static final long SEED = 18;

    @TempDir
    Path dir;

    private byte[] v1;
    private byte[] v2;
    private Path patch;
    private int cutsLanded;
    private int alreadyNew;
    private int resent;

    @Test
    void everyCutBootsAWholeImageAndAResendCompletes() throws Exception {
        v1 = QemuFirmware.appBytes(1);
        v2 = QemuFirmware.appBytes(2);
        patch = QemuPatches.signed(dir, 1, 2, 2, "--block-size", "1024");
        int total = referenceOperations();
        // "all": a cut before every operation; "every=N": every N-th (a shorter run by hand).
        String plan = System.getProperty("fwdelta.qemu.powerCuts", "");
        boolean all = plan.equals("all") || plan.startsWith("every=");
        int step = plan.startsWith("every=") ? Integer.parseInt(plan.substring(6)) : 1;
        Random random = new Random(SEED);
        List<String> points = new ArrayList<>();
        if (all) {
            for (int op = 1; op <= total; op += step) {
                points.add("cut=" + op);
                points.add("cut=" + op + " tear");
            }
        } else {
            for (int i = 0; i < 12; i++) {
                points.add("cut=" + (1 + random.nextInt(total)) + (i % 2 == 1 ? " tear" : ""));
            }
            for (int i = 0; i < 12; i++) {
                points.add("kill=" + (300 + random.nextInt(2700)));
            }
        }
        for (String point : points) {
            String outcome = cutAndRecover(point);
            if (all) {
                System.out.printf("power cut %s: %s%n", point, outcome); // progress of the long run by hand
            }
        }
        System.out.printf("QEMU power cuts: %d points (%d flash operations in a clean update and install), "
                + "%d landed, then %d already ran v2 and %d ran v1 and needed a resend%n", points.size(), total,
                cutsLanded, alreadyNew, resent);
        assertTrue(cutsLanded >= points.size() / 2, "most cuts land during the update: " + cutsLanded);
    }

    /** A clean update: how many flash operations the receive, install and confirm take. */
    private int referenceOperations() throws Exception {
        Path flash = QemuFirmware.flashWith(dir.resolve("reference.bin"), v1);
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("reference.log"))) {
            assertEquals(1, device.awaitRunningVersion(30), device.log());
            Cli.Result r = Cli.run("send", patch.toString(), "--port", device.pty());
            assertEquals(0, r.exit(), r.err());
            assertTrue(device.awaitLog("app v2", 60), device.log());
            Matcher m = OPS.matcher(device.log());
            int ops = 0;
            while (m.find()) {
                ops = Integer.parseInt(m.group(1));
            }
            assertTrue(ops > 0, device.log());
            QemuFirmware.assertStackMarks(device.log(), 1, 2);
            return ops + 1; // v2's CONFIRMED record
        }
    }

    /** One cut and the recovery after it; what happened, for the long run's log. */
    private String cutAndRecover(String point) throws Exception {
        Path flash = QemuFirmware.flashWith(dir.resolve("flash.bin"), v1);
        Path log = dir.resolve("cut.log");
        String[] options = point.startsWith("cut=") ? point.split(" ") : new String[0];
        try (QemuDevice device = QemuDevice.start(flash, log, options)) {
            assertEquals(1, device.awaitRunningVersion(30), point + ": " + device.log());
            Process send = Cli.spawn(dir.resolve("send.log"), "send", patch.toString(), "--port", device.pty(),
                    "--throttle");
            try {
                if (point.startsWith("kill=")) {
                    Thread.sleep(Long.parseLong(point.substring(5)));
                    if (device.alive() && !device.log().contains("app v2")) {
                        cutsLanded++;
                    }
                    device.kill();
                } else {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (device.alive() && !device.log().contains("app v2") && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    if (!device.alive()) {
                        cutsLanded++;
                        assertTrue(device.log().contains("power cut"), point + ": " + device.log());
                    }
                }
            } finally {
                send.destroyForcibly();
                send.waitFor(10, TimeUnit.SECONDS);
            }
            QemuFirmware.assertStackMarks(device.log(), 0, 1);
        }
        // Power back: the bootloader finishes what it can and must start a whole image.
        try (QemuDevice device = QemuDevice.start(flash, dir.resolve("recover.log"))) {
            int version = device.awaitRunningVersion(60);
            String text = device.log();
            assertTrue(version == 1 || version == 2, point + ": no image started: " + text);
            assertFalse(text.contains("unknown image") || text.contains("no valid image"), point + ": " + text);
            byte[] running = version == 1 ? v1 : v2;
            assertArrayEquals(running, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, running.length),
                    point + ": the active slot holds the whole v" + version);
            if (version == 2) {
                alreadyNew++;
            } else {
                resent++;
                Cli.Result r = Cli.run("send", patch.toString(), "--port", device.pty());
                assertEquals(0, r.exit(), point + ": resend: " + r.err() + device.log());
                assertTrue(device.awaitLog("app v2", 60), point + ": " + device.log());
                assertEquals(2, device.awaitRunningVersion(30), point + ": " + device.log());
            }
            assertEquals(2, QemuInfo.installedVersion(device.pty()), point + ": v2 answers: " + device.log());
            // the bootloader's resumed install and, after a resend, the application's update
            QemuFirmware.assertStackMarks(device.log(), version == 1 ? 1 : 0, 1);
        }
        assertArrayEquals(v2, QemuFirmware.slot(flash, QemuFirmware.ACTIVE, v2.length), point + ": v2 installed");
        Files.delete(flash);
        return alreadyNew + resent == 0 ? "" : "landed so far " + cutsLanded + ", on v2 after the cut "
                + alreadyNew + ", resent " + resent;
    }
}
