// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.transport.dfu.UsbPlatform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** USB on the platforms whose libusb native the jar bundles, and one clear line on the others. */
class UsbPlatformTest {
    @TempDir
    Path dir;

    @Test
    void platformNamesAreUsb4javas() {
        assertEquals("linux-x86-64", UsbPlatform.name("Linux", "amd64"));
        assertEquals("linux-aarch64", UsbPlatform.name("Linux", "aarch64"));
        assertEquals("linux-arm", UsbPlatform.name("Linux", "armv7l"));
        assertEquals("win32-x86-64", UsbPlatform.name("Windows 11", "amd64"));
        assertEquals("win32-x86", UsbPlatform.name("Windows 10", "x86"));
        assertEquals("darwin-x86-64", UsbPlatform.name("Mac OS X", "x86_64"));
        assertEquals("darwin-aarch64", UsbPlatform.name("Mac OS X", "aarch64"));
    }

    @Test
    void everyPlatformTheReadmeNamesHasItsNativeAndAppleSiliconHasNone() {
        for (String platform : UsbPlatform.BUNDLED) {
            assertTrue(UsbPlatform.bundled(platform), platform);
        }
        for (String platform : List.of("darwin-aarch64", "win32-aarch64", "linux-riscv64", "linux-ppc64le")) {
            assertFalse(UsbPlatform.bundled(platform), platform);
        }
    }

    /** Apple silicon simulated by its system properties: one error line, no stack trace, exit 5. */
    @Test
    void anUnsupportedPlatformIsOneLine() throws Exception {
        // A real patch: send checks PATCH before it looks for a port.
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(new byte[256], new byte[300], BuildOptions.defaults()).patch());
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        System.setProperty("os.name", "Mac OS X");
        System.setProperty("os.arch", "aarch64");
        try {
            for (String[] args : List.of(new String[] {"send", patch.toString(), "--usb", "0483:df11"},
                    new String[] {"stm32", "flash", "--usb", "0483:df11", "--image", patch.toString()})) {
                StringWriter err = new StringWriter();
                StringWriter out = new StringWriter();
                CommandLine cl = Main.commandLineFor(args);
                cl.setErr(new PrintWriter(err, true));
                cl.setOut(new PrintWriter(out, true));
                assertEquals(ExitCodes.IO_ERROR, cl.execute(args), err.toString());
                assertEquals(1, err.toString().lines().count(), err.toString());
                assertTrue(err.toString().startsWith("fwdelta: error: USB (--usb) is not supported on darwin-aarch64"),
                        err.toString());
            }
        } finally {
            System.setProperty("os.name", osName);
            System.setProperty("os.arch", osArch);
        }
    }
}
