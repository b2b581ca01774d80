// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of the commands that talk to a device (--baud, --usb, --region with --patch) are
 * checked before a port, a USB device or a file is opened: a usage error (exit 2) naming the option
 * and what it allows, in one line.
 */
class DeviceOptionsCliTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();
    private Path patch;
    private Path old;
    private Path noPort;

    @BeforeEach
    void patchFile() throws Exception {
        byte[] a = new byte[4096];
        new Random(7).nextBytes(a);
        byte[] b = a.clone();
        Arrays.fill(b, 10, 90, (byte) 1);
        old = Files.write(dir.resolve("old.bin"), a);
        Path neu = Files.write(dir.resolve("new.bin"), b);
        patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", old.toString(), neu.toString(), "-o", patch.toString()), cli.err());
        noPort = dir.resolve("no-such-tty");
    }

    private void assertUsage(String expected, String... args) {
        assertEquals(ExitCodes.USAGE, cli.run(args), String.join(" ", args) + "\n" + cli.err());
        assertTrue(cli.err().startsWith("fwdelta: error: "), cli.err());
        assertTrue(cli.err().contains(expected), String.join(" ", args) + "\n" + cli.err());
        assertFalse(cli.err().contains("\tat "), cli.err());
    }

    /** --baud out of 1200..4000000 is refused by every command that takes it, before the port is opened. */
    @Test
    void aBaudRateOutOfRangeIsAUsageErrorNamingTheRange() {
        Path flash = dir.resolve("chip.flash");
        for (String baud : List.of("0", "-9600", "1199", "4000001")) {
            List<String[]> commands = List.of(
                    new String[] {"send", patch.toString(), "--port", noPort.toString(), "--baud", baud},
                    new String[] {"device", "serve", "--port", noPort.toString(), "--layout", "stm32f405-1m",
                        "--image", old.toString(), "--baud", baud},
                    new String[] {"stm32", "flash", "--port", noPort.toString(), "--patch", patch.toString(),
                        "--baud", baud},
                    new String[] {"stm32", "simulate", "--port", noPort.toString(), "--flash-file", flash.toString(),
                        "--baud", baud});
            for (String[] args : commands) {
                assertUsage("--baud", args);
                assertTrue(cli.err().contains("1200..4000000"), cli.err());
            }
        }
        assertFalse(Files.exists(flash), "stm32 simulate created no flash file");
        // The ends of the range are accepted: the error is then the missing port's (exit 5).
        for (String baud : List.of("1200", "4000000")) {
            assertEquals(ExitCodes.IO_ERROR, cli.run("send", patch.toString(), "--port", noPort.toString(), "--baud",
                    baud), cli.err());
        }
    }

    /** send --usb and stm32 flash --usb parse VID:PID alike: 1 to 4 hex digits each, nothing else. */
    @Test
    void sendAndStm32FlashRefuseTheSameMalformedUsbIds() {
        for (String id : List.of("1ffff:df11", "0483:df11:zz", "0483", "0483:", ":df11", "-1:df11", "0x483:df11",
                "g483:df11")) {
            List<String[]> commands = new ArrayList<>();
            commands.add(new String[] {"send", patch.toString(), "--usb", id});
            commands.add(new String[] {"stm32", "flash", "--usb", id, "--patch", patch.toString()});
            for (String[] args : commands) {
                assertUsage("VID:PID in hex, each 0 to ffff", args);
                assertTrue(cli.err().contains("--usb"), cli.err());
                assertTrue(cli.err().contains("'" + id + "'"), cli.err());
            }
        }
    }

    /**
     * stm32 flash reads and checks its --patch or --image before it opens the port: a bad file is
     * named, with its own exit code, and no chip is reset into its bootloader for nothing.
     */
    @Test
    void stm32FlashChecksItsInputBeforeThePort() throws Exception {
        Path notAPatch = Files.write(dir.resolve("bad.fwd"), new byte[300]);
        assertEquals(ExitCodes.BAD_PATCH, cli.run("stm32", "flash", "--port", noPort.toString(), "--patch",
                notAPatch.toString()), cli.err());
        assertTrue(cli.err().contains("BAD_MAGIC (1): " + notAPatch + ": "), cli.err());
        assertFalse(cli.err().contains(noPort.toString()), cli.err());

        Path missing = dir.resolve("missing.hex");
        assertEquals(ExitCodes.IO_ERROR, cli.run("stm32", "flash", "--port", noPort.toString(), "--image",
                missing.toString()), cli.err());
        assertTrue(cli.err().contains(missing.toString()), cli.err());
        assertFalse(cli.err().contains(noPort.toString()), cli.err());
    }

    /** --region selects regions of an image file; with --patch there is none: refused, not ignored. */
    @Test
    void stm32FlashRefusesRegionWithPatch() {
        assertUsage("--region", "stm32", "flash", "--port", noPort.toString(), "--patch", patch.toString(), "--region",
                "0x0-0x10");
        assertTrue(cli.err().contains("--patch"), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
    }
}
