// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator checked against an independent implementation: Debian's stm32flash reads, erases
 * and writes the simulated flash over a socat pseudo-terminal pair (mode 8n1: a pty has no parity).
 */
class Stm32flashInteropTest {
    @TempDir
    Path dir;

    @Test
    void stm32flashReadsErasesAndWritesTheSimulatedChip() throws Exception {
        byte[] image = Corpus.pair("programmer").oldBytes();
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("f405"), image)) {
            String port = chip.pty.host.toString();
            Path read = dir.resolve("read.bin");
            String out = Tools.run("stm32flash", "-m", "8n1", "-b", "115200", "-r", read.toString(), "-S",
                    "0x08000000:8192", port);
            assertTrue(out.contains("0x0413"), out);
            assertArrayEquals(Arrays.copyOf(image, 8192), Files.readAllBytes(read));

            byte[] data = new byte[5000];
            new Random(4).nextBytes(data);
            Path w = Files.write(dir.resolve("w.bin"), data);
            out = Tools.run("stm32flash", "-m", "8n1", "-b", "115200", "-w", w.toString(), "-v", "-S", "0x08020000",
                    port);
            assertTrue(out.contains("Wrote and verified"), out);
            assertArrayEquals(data, Arrays.copyOfRange(chip.flash.snapshot(), 0x20000, 0x20000 + 5000));

            // Erase only: stm32flash wants whole sectors (sector 5 is 128 KiB at 0x08020000).
            Tools.run("stm32flash", "-m", "8n1", "-b", "115200", "-o", "-S", "0x08020000:131072", port);
            byte[] erased = new byte[131072];
            Arrays.fill(erased, (byte) 0xFF);
            assertArrayEquals(erased, Arrays.copyOfRange(chip.flash.snapshot(), 0x20000, 0x40000));
            assertArrayEquals(Arrays.copyOf(image, 8192), chip.content(8192), "other sectors untouched");
        }
    }
}
