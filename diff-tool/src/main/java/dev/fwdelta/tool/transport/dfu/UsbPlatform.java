// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Whether this platform has a libusb native library in the jar. usb4java 1.3 bundles one for the
 * platforms in {@link #BUNDLED} only (none for macOS on Apple silicon); without it, loading libusb
 * fails deep inside usb4java, so the command checks first and says so in one line (README,
 * "Transports by platform").
 */
public final class UsbPlatform {
    /** The libusb4java 1.3.0 natives the jar bundles, by usb4java's platform name. */
    public static final List<String> BUNDLED = List.of("linux-x86-64", "linux-x86", "linux-aarch64", "linux-arm",
            "win32-x86-64", "win32-x86", "darwin-x86-64");

    private UsbPlatform() {}

    /** usb4java's name for a platform: "os-arch", e.g. linux-x86-64, darwin-aarch64, win32-x86. */
    public static String name(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (os.startsWith("windows")) {
            os = "win32";
        } else if (os.startsWith("macos") || os.startsWith("darwin")) {
            os = "darwin";
        }
        String arch = osArch.toLowerCase(Locale.ROOT).replace(" ", "");
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86-64";
            case "i386", "i486", "i586", "i686" -> "x86";
            case "arm64" -> "aarch64";
            case "armv7l", "armhf", "aarch32" -> "arm";
            default -> arch;
        };
        return os + "-" + arch;
    }

    /** This JVM's platform, as usb4java names it. */
    public static String current() {
        return name(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
    }

    /** Whether the jar holds a libusb native library for {@code platform}. */
    public static boolean bundled(String platform) {
        String ext = platform.startsWith("win32") ? "dll" : platform.startsWith("darwin") ? "dylib" : "so";
        return UsbPlatform.class.getResource("/org/usb4java/" + platform + "/libusb4java." + ext) != null;
    }

    /** Stops with one clear sentence when USB cannot work here, before usb4java tries to load libusb. */
    public static void requireSupported() throws IOException {
        String platform = current();
        if (!bundled(platform)) {
            throw new IOException(unsupported(platform));
        }
    }

    static String unsupported(String platform) {
        return "USB (--usb) is not supported on " + platform + ": the bundled usb4java 1.3 has libusb only for "
                + String.join(", ", BUNDLED) + "; use a serial port (--port), or write a .dfu file with "
                + "`fwdelta stm32 export-dfu` and flash it with dfu-util";
    }
}
