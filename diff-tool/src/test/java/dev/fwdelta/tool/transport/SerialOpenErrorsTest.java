// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.tool.Tools;
import dev.fwdelta.tool.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why a serial port did not open, over real pseudo-terminals (socat) and files: each cause gets
 * its own message, and only the permission one suggests the dialout group.
 */
class SerialOpenErrorsTest {
    @TempDir
    Path dir;

    /**
     * A pty drops PARENB; glibc reports that only when the call changed nothing else, so the first
     * open of a fresh pty used to succeed and every rerun failed as "busy, or no permission".
     */
    @Test
    void evenParityOnAPseudoTerminalIsRefusedTheSameWayEveryTime() throws Exception {
        try (PtyPair pty = new PtyPair(dir)) {
            for (int run = 0; run < 2; run++) {
                IOException e = assertThrows(IOException.class,
                        () -> SerialLink.open(pty.host.toString(), 115200, SerialPort.EVEN_PARITY).close());
                String m = e.getMessage();
                assertTrue(m.startsWith(pty.host + " is a pseudo-terminal"), m);
                assertTrue(m.contains("cannot keep parity"), m);
                assertTrue(m.contains("115200 baud, even parity"), m);
                assertTrue(m.contains("--parity none"), m);
                assertFalse(m.contains("dialout"), m);
            }
            // What the message advises works, and keeps working.
            for (int run = 0; run < 2; run++) {
                try (SerialLink link = SerialLink.open(pty.host.toString(), 115200, SerialPort.NO_PARITY)) {
                    assertEquals(pty.host.toString(), link.name());
                }
            }
        }
    }

    @Test
    void aFileThatIsNotATerminalIsNamedSo() throws Exception {
        Path file = Files.write(dir.resolve("not-a-tty"), new byte[0]);
        IOException e = assertThrows(IOException.class, () -> SerialLink.open(file.toString(), 115200).close());
        assertEquals(file + " is not a serial port: it opened, but is not a terminal (ENOTTY)", e.getMessage());
    }

    /** flock(1) holds the lock from another process, as a second fwdelta still running would. */
    @Test
    void aPortLockedByAnotherProcessNamesTheHolder() throws Exception {
        Tools.require("flock");
        try (PtyPair pty = new PtyPair(dir)) {
            Process holder = new ProcessBuilder("flock", "--exclusive", pty.host.toString(), "-c",
                    "echo locked; exec sleep 60").redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("locked", out.readLine());
                IOException e = assertThrows(IOException.class,
                        () -> SerialLink.open(pty.host.toString(), 115200).close());
                assertEquals("serial port " + pty.host + " is in use: process " + holder.pid()
                        + " (flock) holds its exclusive lock", e.getMessage());
            } finally {
                holder.destroy();
                holder.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The whole command, in a child JVM: root opens a mode 000 file anyway, so as root the child
     * runs without the capabilities that override file permissions.
     */
    @Test
    void aPortWithoutPermissionSaysSoAndSuggestsDialout() throws Exception {
        Path port = Files.write(dir.resolve("ttyLocked"), new byte[0]);
        Files.setPosixFilePermissions(port, PosixFilePermissions.fromString("---------"));
        // A patch stm32 flash takes: it reads and checks its input before it opens the port.
        Path patch = Files.write(dir.resolve("p.fwd"), ScriptedDevice.patch(1024));
        List<String> cmd = new ArrayList<>();
        if ((Integer) Files.getAttribute(dir, "unix:uid") == 0) {
            Tools.require("setpriv");
            cmd.addAll(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "stm32", "flash", "--port",
                port.toString(), "--parity", "none", "--patch", patch.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(5, p.exitValue(), out);
        assertEquals("fwdelta: error: permission denied: " + port + ": cannot open it for reading and writing"
                + " (is the user in group dialout?)", out);
    }

    /** A real UART refusing a rate: jSerialComm's configure step failed with EINVAL. */
    @Test
    void settingsARealPortRefusesAreNamed() {
        IOException e = SerialOpenFailure.of("/dev/ttyUSB7", 4000000, SerialPort.EVEN_PARITY,
                SerialOpenFailure.SET_TERMIOS, 22);
        assertEquals("serial port /dev/ttyUSB7 opened but refused the settings asked for: 4000000 baud, even parity"
                + " (EINVAL)", e.getMessage());
    }
}
