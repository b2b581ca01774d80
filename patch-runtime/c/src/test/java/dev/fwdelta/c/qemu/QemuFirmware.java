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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * Bounds of the stack high-water marks the firmware logs (startup.c paints the stack; README
     * "Figures" here, which states the measured marks): the application's 8 KiB stack may use 6 KiB
     * during an update (the Ed25519 check is its deepest), the bootloader's 4 KiB 1.5 KiB during an
     * install. A mark above its bound fails the test before the stack can run into .bss, which
     * app.ld and boot.ld put right below it; an overflow reads as the whole stack used.
     */
    static final int APP_STACK_BOUND = 6144;
    static final int BOOT_STACK_BOUND = 1536;
    private static final Pattern STACK_MARK = Pattern.compile("(app|p256-check|boot): stack high-water mark \\(bytes\\) (\\d+)\n");

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

    /** The P-256 pool check (p256_check.c), linked as an application. */
    static byte[] p256CheckBytes() throws IOException, InterruptedException {
        build();
        return Files.readAllBytes(BUILD.resolve("p256-check.bin"));
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

    /**
     * Checks every stack high-water mark in a QEMU console log against its bound and that there
     * are at least {@code apps} application (or P-256 check) and {@code boots} bootloader marks;
     * the largest of each ({app, boot}, 0 when none).
     */
    static int[] assertStackMarks(String log, int apps, int boots) {
        Matcher m = STACK_MARK.matcher(log);
        int[] count = new int[2];
        int[] max = new int[2];
        while (m.find()) {
            int who = m.group(1).equals("boot") ? 1 : 0; // p256_check.c runs on the application's stack
            int bytes = Integer.parseInt(m.group(2));
            assertTrue(bytes <= (who == 0 ? APP_STACK_BOUND : BOOT_STACK_BOUND), m.group().strip()
                    + ": above the bound of " + (who == 0 ? APP_STACK_BOUND : BOOT_STACK_BOUND) + " bytes\n" + log);
            count[who]++;
            max[who] = Math.max(max[who], bytes);
        }
        assertTrue(count[0] >= apps && count[1] >= boots, "stack high-water marks: " + count[0] + " of the application (at least "
                + apps + " expected), " + count[1] + " of the bootloader (at least " + boots + ")\n" + log);
        return max;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
    }
}
