// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.demo.DemoFirmware;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when the port is missing or something else answers on it. */
class SerialErrorsTest {
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
}
