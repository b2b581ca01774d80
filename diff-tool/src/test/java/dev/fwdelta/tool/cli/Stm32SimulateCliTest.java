// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.image.TestImages;
import dev.fwdelta.tool.transport.PtyPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** stm32 simulate --image: where the image is programmed, and the images it refuses before creating anything. */
class Stm32SimulateCliTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A HEX image at 0x08004000 (the f405's second sector) is programmed there, not at the flash
     * base, so a patch whose load address is 0x08004000 then finds its base image on the chip.
     */
    @Test
    void anAddressedImageIsProgrammedAtItsAddressAndAPatchForItFlashes() throws Exception {
        byte[] oldBytes = random(6000, 1);
        byte[] newBytes = oldBytes.clone();
        Arrays.fill(newBytes, 100, 300, (byte) 0x5A);
        Path oldHex = TestImages.hexAt(dir.resolve("old.hex"), 0x0800_4000L, oldBytes);
        Path newHex = TestImages.hexAt(dir.resolve("new.hex"), 0x0800_4000L, newBytes);
        Path patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", oldHex.toString(), newHex.toString(), "-o", patch.toString()), cli.err());
        Path flashFile = dir.resolve("chip.flash");
        try (PtyPair pty = new PtyPair(dir)) {
            StringWriter simErr = new StringWriter();
            CompletableFuture<Integer> sim = CompletableFuture.supplyAsync(() -> {
                String[] args = {"stm32", "simulate", "--port", pty.device.toString(), "--part", "f405",
                    "--flash-file", flashFile.toString(), "--image", oldHex.toString()};
                CommandLine cl = Main.commandLineFor(args);
                cl.setOut(new PrintWriter(new StringWriter(), true));
                cl.setErr(new PrintWriter(simErr, true));
                return cl.execute(args);
            });
            long end = System.currentTimeMillis() + 10_000;
            while (!simErr.toString().contains("simulated") && !sim.isDone() && System.currentTimeMillis() < end) {
                Thread.sleep(20);
            }
            assertTrue(simErr.toString().contains("simulated"), simErr.toString());
            byte[] flash = Files.readAllBytes(flashFile);
            assertArrayEquals(oldBytes, Arrays.copyOfRange(flash, 0x4000, 0x4000 + oldBytes.length),
                    "the image is at its address's offset in the flash");
            byte[] erased = new byte[0x4000];
            Arrays.fill(erased, (byte) 0xFF);
            assertArrayEquals(erased, Arrays.copyOf(flash, 0x4000), "the first sector is left erased");

            assertEquals(0, cli.run("stm32", "flash", "--port", pty.host.toString(), "--parity", "none", "--patch",
                    patch.toString()), cli.err() + "\n" + simErr);
            assertTrue(cli.out().contains("0x08004000"), cli.out());
            pty.close();
            sim.get(10, TimeUnit.SECONDS);
        }
        byte[] flash = Files.readAllBytes(flashFile);
        assertArrayEquals(newBytes, Arrays.copyOfRange(flash, 0x4000, 0x4000 + newBytes.length));
    }

    /** An image larger than the part's flash: a usage error naming both sizes, and no flash file. */
    @Test
    void anImageLargerThanTheFlashIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path big = Files.write(dir.resolve("big.bin"), random(64 * 1024 + 16, 2)); // the f030 has 64 KiB
        Path flashFile = dir.resolve("chip.flash");
        assertEquals(ExitCodes.USAGE, cli.run("stm32", "simulate", "--port", dir.resolve("no-such-tty").toString(),
                "--part", "f030", "--flash-file", flashFile.toString(), "--image", big.toString()), cli.err());
        assertTrue(cli.err().startsWith("fwdelta: error: --image " + big), cli.err());
        assertTrue(cli.err().contains("65552 bytes") && cli.err().contains("65536 bytes"), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertFalse(Files.exists(flashFile), "no flash file is created");
    }

    /** A HEX image outside the flash, or not at a sector start, is refused as stm32 flash refuses it. */
    @Test
    void anImageOutsideTheFlashOrOffASectorStartIsRefused() throws Exception {
        Path flashFile = dir.resolve("chip.flash");
        Path inRam = TestImages.hexAt(dir.resolve("ram.hex"), 0x2000_0000L, random(256, 3));
        assertEquals(ExitCodes.USAGE, cli.run("stm32", "simulate", "--port", dir.resolve("no-such-tty").toString(),
                "--part", "f405", "--flash-file", flashFile.toString(), "--image", inRam.toString()), cli.err());
        assertTrue(cli.err().contains("outside the f405's flash 0x08000000..0x08100000"), cli.err());
        Path offSector = TestImages.hexAt(dir.resolve("mid.hex"), 0x0800_0100L, random(256, 4));
        assertEquals(ExitCodes.USAGE, cli.run("stm32", "simulate", "--port", dir.resolve("no-such-tty").toString(),
                "--part", "f405", "--flash-file", flashFile.toString(), "--image", offSector.toString()), cli.err());
        assertTrue(cli.err().contains("does not start on a sector"), cli.err());
        assertFalse(Files.exists(flashFile), "no flash file is created");
    }
}
