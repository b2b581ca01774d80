// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of qemu-system-arm (machine mps2-an386, a Cortex-M4) with the bootloader, the slots in
 * a flash file (semihosting), the UART on a pseudo-terminal and the semihosting console in a log.
 * Options: {@code cut=N} cuts the power at the N-th flash operation since QEMU started, {@code tear}
 * tears that operation (half programmed or half erased).
 */
final class QemuDevice implements AutoCloseable {
    private static final Pattern PTY = Pattern.compile("/dev/pts/\\d+");

    private final Process process;
    private final Path log;
    private final String pty;

    private QemuDevice(Process process, Path log, String pty) {
        this.process = process;
        this.log = log;
        this.pty = pty;
    }

    static QemuDevice start(Path flash, Path log, String... options) throws IOException, InterruptedException {
        StringBuilder semihosting = new StringBuilder("enable=on,target=native,arg=").append(flash);
        for (String o : options) {
            semihosting.append(",arg=").append(o);
        }
        List<String> command = new ArrayList<>(List.of("qemu-system-arm", "-M", "mps2-an386", "-nographic",
                "-monitor", "none", "-serial", "pty", "-kernel", QemuFirmware.bootloader().toString(),
                "-semihosting-config", semihosting.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Matcher m = PTY.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                return new QemuDevice(p, log, m.group());
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new AssertionError("qemu-system-arm gave no pty: " + Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    String pty() {
        return pty;
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** Waits until the semihosting console shows {@code text} (or QEMU ends); whether it did. */
    boolean awaitLog(String text, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return log().contains(text);
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits for the application's banner after the last boot; the version it reports (or -1). */
    int awaitRunningVersion(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Pattern banner = Pattern.compile("fwdelta qemu-m4 app v(\\d+)");
        while (System.nanoTime() < deadline) {
            String text = log();
            int boot = text.lastIndexOf("boot: ");
            Matcher m = banner.matcher(text);
            int version = -1;
            while (m.find()) {
                if (m.start() > boot) {
                    version = Integer.parseInt(m.group(1));
                }
            }
            if (version > 0) {
                return version;
            }
            if (!process.isAlive()) {
                return -1;
            }
            Thread.sleep(20);
        }
        return -1;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits for QEMU to end by itself (a planned power cut); whether it did. */
    boolean awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** QEMU's exit code, once it ended (the guest's semihosting exit: 0 for an application exit). */
    int exitValue() {
        return process.exitValue();
    }

    /** Pulls the plug: SIGKILL, nothing of QEMU runs after it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "qemu-system-arm did not die");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
