// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.sim.FaultPlan;
import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.runtime.sim.PowerCutException;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import dev.fwdelta.tool.transport.SerialLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chip dies in the middle of a delta flash (pyb-release on an STM32F405, the case of issue 25)
 * and the same patch, run again, always ends with the new image; run once more, it is up to date.
 */
class InterruptedFlashTest {
    private static final Stm32Part F405 = Stm32Part.byName("f405");
    private static final int KILL_POINTS = 24;
    private static byte[] oldImage;
    private static byte[] newImage;
    private static byte[] patch;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildPatch() {
        Corpus.Pair pair = Corpus.pair("pyb-release");
        oldImage = pair.oldBytes();
        newImage = pair.newBytes();
        patch = PatchBuilder.build(oldImage, newImage, BuildOptions.defaults()).patch();
    }

    private static NorFlash chipWith(byte[] image) throws IOException {
        NorFlash f = NorFlash.erased(An3155Simulator.geometry(F405));
        byte[] padded = Arrays.copyOf(image, (image.length + 7) & ~7);
        Arrays.fill(padded, image.length, padded.length, (byte) 0xFF);
        f.provision(0, padded);
        return f;
    }

    /** A fresh ROM DFU device over {@code flash}: what the chip is after its reset. */
    private DeltaFlasher.Summary flash(NorFlash flash, RecoveryCopies copies) throws IOException {
        DfuseDevice rom = new DfuseDevice(flash, F405);
        DfuseClient client = new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
        return DeltaFlasher.flashPatch(client, patch, true, (p, d, t) -> { }, copies);
    }

    private long operationsOfAWholeFlash() throws IOException {
        NorFlash f = chipWith(oldImage);
        flash(f, new RecoveryCopies(dir.resolve("count")));
        return f.counters().operations();
    }

    @Test
    void everyKillPointFinishesWithTheSamePatch() throws IOException {
        long ops = operationsOfAWholeFlash();
        int killed = 0;
        int resumed = 0;
        int fromBase = 0;
        int twice = 0;
        for (int i = 0; i < KILL_POINTS; i++) {
            long at = i * (ops - 1) / (KILL_POINTS - 1); // from the first erase to the last write
            boolean tear = i % 2 == 1;
            NorFlash chip = chipWith(oldImage);
            RecoveryCopies copies = new RecoveryCopies(dir.resolve("copies-" + i));
            chip.setFaults(FaultPlan.cutBefore(at, tear));
            // The chip's power goes in the middle of an erase or program; the host run ends with it.
            assertThrows(PowerCutException.class, () -> flash(chip, copies), "kill before operation " + at);
            killed++;
            if (i % 6 == 5) { // the rerun is killed too, a little later
                chip.setFaults(FaultPlan.cutBefore(3, !tear));
                assertThrows(PowerCutException.class, () -> flash(chip, copies));
                twice++;
            }
            chip.setFaults(FaultPlan.NONE);
            DeltaFlasher.Summary s = flash(chip, copies);
            assertArrayEquals(newImage, Arrays.copyOf(chip.snapshot(), newImage.length), "kill before operation " + at);
            assertTrue(s.verified());
            if (s.start() == DeltaFlasher.Start.RESUMED) {
                resumed++;
            } else {
                fromBase++;
            }
            assertFalse(Files.exists(copies.fileFor(RecoveryCopies.sha256(newImage))), "copy removed once verified");
            assertEquals(DeltaFlasher.Start.UP_TO_DATE, flash(chip, copies).start());
        }
        System.out.printf("interrupted flash, pyb-release on f405: %d operations in a whole flash, %d kills (%d reruns "
                + "killed again), %d finished from the stored copy, %d from the base, all %d end with the new image%n",
                ops, killed, twice, resumed, fromBase, killed);
        assertEquals(KILL_POINTS, resumed + fromBase);
        assertTrue(resumed >= KILL_POINTS - 2, "kills after the first erase need the copy: " + resumed);
    }

    /** A chip whose flash with the patch lost power before operation {@code op}, powered again. */
    private NorFlash interruptedAt(long op, RecoveryCopies copies) throws IOException {
        NorFlash chip = chipWith(oldImage);
        chip.setFaults(FaultPlan.cutBefore(op, false));
        assertThrows(PowerCutException.class, () -> flash(chip, copies));
        chip.setFaults(FaultPlan.NONE);
        return chip;
    }

    @Test
    void withoutTheCopyTheErrorSaysWhy() throws IOException {
        RecoveryCopies copies = new RecoveryCopies(dir.resolve("copies"));
        NorFlash chip = interruptedAt(40, copies);
        Files.delete(copies.fileFor(RecoveryCopies.sha256(newImage)));
        PatchException e = assertThrows(PatchException.class, () -> flash(chip, copies));
        assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code());
        assertTrue(e.getMessage().contains("neither the patch's base image nor its result"), e.getMessage());
    }

    @Test
    void aDamagedCopyIsNeverWritten() throws IOException {
        RecoveryCopies copies = new RecoveryCopies(dir.resolve("copies"));
        NorFlash chip = interruptedAt(40, copies);
        Path copy = copies.fileFor(RecoveryCopies.sha256(newImage));
        byte[] b = Files.readAllBytes(copy);
        b[1000] ^= 1;
        Files.write(copy, b);
        long before = chip.counters().operations();
        assertThrows(PatchException.class, () -> flash(chip, copies));
        assertEquals(before, chip.counters().operations(), "nothing erased or written from a damaged copy");
    }

    @Test
    void killedAn3155SimulatorSaysWhatHappenedAndTheRerunFinishes() throws Exception {
        NorFlash flash = chipWith(oldImage);
        RecoveryCopies copies = new RecoveryCopies(dir.resolve("copies"));
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        try (SimulatedChip chip = new SimulatedChip(dir.resolve("a"), F405, flash, null)) {
            flash.setFaults(op -> {
                if (op >= 300) {
                    chip.simulator.stop(); // the chip is gone: no answer to anything from here on
                    return FaultPlan.Outcome.CUT;
                }
                return FaultPlan.Outcome.PROCEED;
            });
            IOException e = assertThrows(IOException.class, () -> flashOverUart(chip, copies));
            assertTrue(e.getMessage().contains("stopped answering"), e.getMessage());
            assertTrue(e.getMessage().contains("run the same command again"), e.getMessage());
            assertFalse(e.getMessage().contains("outside memory"), e.getMessage());
        }
        flash.setFaults(FaultPlan.NONE);
        try (SimulatedChip chip = new SimulatedChip(dir.resolve("b"), F405, flash, null)) {
            assertEquals(DeltaFlasher.Start.RESUMED, flashOverUart(chip, copies).start());
            assertArrayEquals(newImage, chip.content(newImage.length));
            assertEquals(DeltaFlasher.Start.UP_TO_DATE, flashOverUart(chip, copies).start());
        }
    }

    private static DeltaFlasher.Summary flashOverUart(SimulatedChip chip, RecoveryCopies copies) throws Exception {
        try (SerialLink link = SerialLink.open(chip.pty.host.toString(), 115200, SerialPort.NO_PARITY)) {
            An3155Client client = new An3155Client(link);
            client.connect();
            return DeltaFlasher.flashPatch(client, patch, true, (p, d, t) -> { }, copies);
        }
    }
}
