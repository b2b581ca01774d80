// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.stm32.Stm32Part;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the port is missing, silent, or something else answers on it: the port
 * fails after the HELLOs of one --timeout (2 s by default), saying which it was. Counts are
 * asserted; the 10 s bound only guards against a hang (a silent port used to hang for minutes).
 */
class SerialErrorsTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final StringWriter err = new StringWriter();

    private int send(String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path patch() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(2);
        return Files.write(dir.resolve("p.fwd"), PatchBuilder.build(pair.oldImage(), pair.newImage(),
                BuildOptions.defaults()).patch());
    }

    @Test
    void missingPortIsAnIoErrorNamingThePort() throws Exception {
        assertEquals(5, send("send", patch().toString(), "--port", "/dev/ttyUSB-none"));
        assertTrue(err.toString().contains("/dev/ttyUSB-none"), err.toString());
        assertTrue(err.toString().contains("no serial port"), err.toString());
    }

    @Test
    void somethingElseAnsweringIsReported() throws Exception {
        Path p = patch();
        try (PtyPair pty = new PtyPair(dir); SerialLink chatty = SerialLink.open(pty.device.toString(), 115200)) {
            Thread noise = new Thread(() -> {
                byte[] junk = "AT OK\r\nbootloader> ".getBytes();
                Random r = new Random(1);
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        chatty.write(junk, 0, junk.length);
                        Thread.sleep(50 + r.nextInt(50));
                    }
                } catch (Exception ignored) {
                    // the test is over
                }
            });
            noise.start();
            try {
                assertEquals(5, send("send", p.toString(), "--port", pty.host.toString()));
            } finally {
                noise.interrupt();
                noise.join();
            }
            assertTrue(err.toString().contains("answers, but not the fwdelta protocol"), err.toString());
        }
    }

    @Test
    void aSilentPortSaysNothingAnsweredAfterTheHellos() throws Exception {
        Path p = patch();
        try (PtyPair pty = new PtyPair(dir); SerialLink silent = SerialLink.open(pty.device.toString(), 115200)) {
            int code = assertTimeoutPreemptively(HANG_GUARD,
                    () -> send("send", p.toString(), "--port", pty.host.toString()));
            assertEquals(5, code, err.toString());
        }
        String e = err.toString();
        assertTrue(e.contains("nothing answered on"), e);
        assertTrue(e.contains(UartChannel.HELLO_ATTEMPTS + " HELLO frames in 2.0 s"), e);
        assertFalse(e.contains("stopped answering"), e);
    }

    @Test
    void theTimeoutOptionSetsTheWait() throws Exception {
        Path p = patch();
        try (PtyPair pty = new PtyPair(dir); SerialLink silent = SerialLink.open(pty.device.toString(), 115200)) {
            int code = assertTimeoutPreemptively(HANG_GUARD,
                    () -> send("send", p.toString(), "--port", pty.host.toString(), "--timeout", "0.8"));
            assertEquals(5, code, err.toString());
        }
        assertTrue(err.toString().contains(UartChannel.HELLO_ATTEMPTS + " HELLO frames in 0.8 s"), err.toString());
    }

    @Test
    void aTimeoutOutOfRangeIsAUsageError() throws Exception {
        assertEquals(2, send("send", patch().toString(), "--port", "/dev/null", "--timeout", "0"));
        assertTrue(err.toString().contains("--timeout must be"), err.toString());
    }

    @Test
    void anStm32RomBootloaderIsRecognised() throws Exception {
        Path p = patch();
        Stm32Part part = Stm32Part.TABLE.get(0);
        try (PtyPair pty = new PtyPair(dir);
             SerialLink line = SerialLink.open(pty.device.toString(), 115200, SerialPort.NO_PARITY)) {
            An3155Simulator rom = new An3155Simulator(line, part, NorFlash.erased(An3155Simulator.geometry(part)));
            Thread t = new Thread(rom, "an3155-simulator");
            t.start();
            try {
                int code = assertTimeoutPreemptively(HANG_GUARD,
                        () -> send("send", p.toString(), "--port", pty.host.toString()));
                assertEquals(5, code, err.toString());
            } finally {
                rom.stop();
                t.join(2000);
            }
        }
        assertTrue(err.toString().contains("STM32 ROM bootloader (AN3155)"), err.toString());
    }
}
