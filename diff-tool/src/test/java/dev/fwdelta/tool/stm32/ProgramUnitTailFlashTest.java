// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image whose length is not a multiple of the part's program unit: the g071 programs its ECC
 * flash 8 bytes at a time and refuses a partial double word, so the last write must be padded
 * with 0xFF to 8 bytes, not 4 (the regression: exit 5, a NACK on the image's last Write Memory).
 * The f405, programmed by words, takes the same image.
 */
class ProgramUnitTailFlashTest {
    /** 4 more than a multiple of 8, as the image that showed the fault; its last 256-byte write holds 164. */
    private static final int LENGTH = 54_436;

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    /** {@code stm32 flash --verify} on the command line; the error output is kept for the assertion message. */
    private int flash(SimulatedChip chip, String... options) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(chip.verifiedFlashArgs(dir.resolve("copies"), options));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The image, then erased flash up to the end of the part's flash: nothing beyond the image is programmed. */
    private static void assertImageThenErased(SimulatedChip chip, byte[] image) {
        byte[] flash = chip.flash.snapshot();
        assertArrayEquals(image, Arrays.copyOf(flash, image.length));
        for (int i = image.length; i < flash.length; i++) {
            assertEquals((byte) 0xFF, flash[i], "byte at flash offset " + i + " after the image");
        }
    }

    private void imageWithVerify(String part) throws Exception {
        byte[] image = random(LENGTH, 1);
        Path bin = Files.write(dir.resolve("new.bin"), image);
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName(part), null)) {
            assertEquals(0, flash(chip, "--image", bin.toString()), err.toString());
            assertImageThenErased(chip, image);
        }
    }

    @Test
    void anImageFourBytesPastADoubleWordFlashesAndVerifiesOnTheG071() throws Exception {
        imageWithVerify("g071");
    }

    @Test
    void theSameImageFlashesAndVerifiesOnTheF405() throws Exception {
        imageWithVerify("f405");
    }

    private void patchWithVerify(String part) throws Exception {
        byte[] oldImage = random(LENGTH - 2048, 2);
        byte[] newImage = Arrays.copyOf(oldImage, LENGTH);
        System.arraycopy(random(2048, 3), 0, newImage, LENGTH - 2048, 2048);
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(oldImage, newImage, BuildOptions.defaults()).patch());
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName(part), oldImage)) {
            assertEquals(0, flash(chip, "--patch", patch.toString()), err.toString());
            assertImageThenErased(chip, newImage);
        }
    }

    @Test
    void aPatchToAnImageFourBytesPastADoubleWordFlashesOnTheG071() throws Exception {
        patchWithVerify("g071");
    }

    @Test
    void theSamePatchFlashesOnTheF405() throws Exception {
        patchWithVerify("f405");
    }

    /** DfuSe reaches the same flash: the ROM DFU model pads a block to the program unit itself. */
    @Test
    void theSameImageOverDfuseOnTheG071() throws Exception {
        Stm32Part g071 = Stm32Part.byName("g071");
        NorFlash flash = NorFlash.erased(An3155Simulator.geometry(g071));
        DfuseDevice rom = new DfuseDevice(flash, g071);
        DfuseClient client = new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
        byte[] image = random(LENGTH, 4);
        DeltaFlasher.flashImage(client, image, true, (p, d, t) -> { });
        assertArrayEquals(image, Arrays.copyOf(flash.snapshot(), LENGTH));
    }
}
