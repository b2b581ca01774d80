// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example firmware of examples/qemu-m4, built once per test JVM with CMake and
 * arm-none-eabi-gcc into target/qemu-m4 (trusting the public half of {@link #KEY}), and fresh flash files with an image in the active slot.
 * A missing tool fails the test naming it (.ci/run installs them).
 */
final class QemuFirmware {
    static final int FLASH_SIZE = 1 << 20;
    static final int ACTIVE = 0x20000;
    static final int STAGING = 0x80000;
    static final String HARDWARE_ID = "0x4D345153";
    static final Path SOURCE = Path.of("examples/qemu-m4").toAbsolutePath();
    static final Path BUILD = Path.of("target/qemu-m4/build").toAbsolutePath();
    /** The signing key whose public half the applications trust (made once by `fwdelta keygen`). */
    static final Path KEY = Path.of("target/qemu-m4/release.pem").toAbsolutePath();

    private static boolean built;

    private QemuFirmware() {}

    /** Builds the bootloader and the applications (once). */
    static synchronized void build() throws IOException, InterruptedException {
        if (built) {
            return;
        }
        for (String tool : List.of("cmake", "arm-none-eabi-gcc", "qemu-system-arm")) {
            requireTool(tool);
        }
        if (!Files.exists(KEY)) {
            Files.createDirectories(KEY.getParent());
            Cli.Result k = Cli.run("keygen", "-o", KEY.toString());
            assertEquals(0, k.exit(), "fwdelta keygen: " + k.err());
        }
        run(List.of("cmake", "-S", SOURCE.toString(), "-B", BUILD.toString(),
                "-DCMAKE_TOOLCHAIN_FILE=" + SOURCE.resolve("arm-none-eabi.cmake"),
                "-DFWD_TRUSTED_KEY=" + KEY.resolveSibling("release.pub.pem")));
        run(List.of("cmake", "--build", BUILD.toString(), "-j1"));
        built = true;
    }

    static void requireTool(String tool) {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        assertTrue(found, tool + " is missing: the QEMU device tests need it (apt-get install cmake "
                + "gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm; .ci/run does)");
    }

    static Path bootloader() throws IOException, InterruptedException {
        build();
        return BUILD.resolve("bootloader.elf");
    }

    static Path app(int version) throws IOException, InterruptedException {
        build();
        return BUILD.resolve("app-v" + version + ".bin");
    }

    static byte[] appBytes(int version) throws IOException, InterruptedException {
        return Files.readAllBytes(app(version));
    }

    /** Erased flash (0xFF) with {@code image} in the active slot: the factory state. */
    static Path flashWith(Path file, byte[] image) throws IOException {
        byte[] flash = new byte[FLASH_SIZE];
        Arrays.fill(flash, (byte) 0xFF);
        System.arraycopy(image, 0, flash, ACTIVE, image.length);
        return Files.write(file, flash);
    }

    static byte[] slot(Path flash, int offset, int length) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(flash), offset, offset + length);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
    }
}
