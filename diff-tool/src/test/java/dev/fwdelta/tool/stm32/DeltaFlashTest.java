// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.transport.SerialLink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwdelta's AN3155 client against the simulator: delta flash rewrites only the sectors that change. */
class DeltaFlashTest {
    @TempDir
    Path dir;

    private DeltaFlasher.Summary flash(SimulatedChip chip, byte[] patch) throws Exception {
        try (SerialLink link = SerialLink.open(chip.pty.host.toString(), 115200, SerialPort.NO_PARITY)) {
            An3155Client client = new An3155Client(link);
            client.connect();
            return DeltaFlasher.flashPatch(client, patch, true, (p, d, t) -> { }, new RecoveryCopies(dir.resolve("copies")));
        }
    }

    @Test
    void deltaFlashOnPagesRewritesOnlyChangedPages() throws Exception {
        Corpus.Pair pair = Corpus.pair("synth-1-2");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("l476"), pair.oldBytes())) {
            DeltaFlasher.Summary s = flash(chip, patch);
            System.out.printf("delta flash synth-1-2 on l476 (2 KiB pages): %d of %d pages erased and written, "
                    + "%d of %d bytes written, %d bytes on the wire, %.2f s%n", s.sectorsErased(), s.sectorsInImage(),
                    s.bytesWritten(), s.imageBytes(), s.wireBytes(), s.seconds());
            assertArrayEquals(pair.newBytes(), chip.content(pair.newBytes().length));
            assertTrue(s.sectorsErased() < s.sectorsInImage(), s.toString());
            assertEquals(s.sectorsErased(), chip.flash.counters().totalErases());
            assertTrue(s.verified());
        }
    }

    @Test
    void deltaFlashOnMixedSectors() throws Exception {
        Corpus.Pair pair = Corpus.pair("pyb-small");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("f405"), pair.oldBytes())) {
            DeltaFlasher.Summary s = flash(chip, patch);
            System.out.printf("delta flash pyb-small on f405 (16/64/128 KiB sectors): %d of %d sectors%n",
                    s.sectorsErased(), s.sectorsInImage());
            assertArrayEquals(pair.newBytes(), chip.content(pair.newBytes().length));
        }
    }

    @Test
    void wrongBaseImageIsRefusedBeforeAnyErase() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        byte[] other = pair.oldBytes();
        other[100] ^= 1;
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("g071"), other)) {
            PatchException e = assertThrows(PatchException.class, () -> flash(chip, patch));
            assertEquals(ErrorCode.WRONG_BASE_IMAGE, e.code());
            assertEquals(0, chip.flash.counters().operations());
        }
    }

    @Test
    void theResultAgainIsUpToDateAndNothingIsErased() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("g071"), pair.newBytes())) {
            assertEquals(DeltaFlasher.Start.UP_TO_DATE, flash(chip, patch).start());
            assertEquals(0, chip.flash.counters().operations());
        }
    }

    @Test
    void theCommandLineSaysUpToDateOnARerun() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch());
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("g071"), pair.oldBytes())) {
            String[] args = {"stm32", "flash", "--port", chip.pty.host.toString(), "--parity", "none", "--patch",
                patch.toString(), "--verify", "--recovery-dir", dir.resolve("copies").toString()};
            StringWriter out = new StringWriter();
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            assertEquals(0, cl.execute(args), out.toString());
            assertTrue(out.toString().contains("sectors erased and written"), out.toString());
            long operations = chip.flash.counters().operations();
            out.getBuffer().setLength(0);
            assertEquals(0, cl.execute(args), out.toString());
            assertTrue(out.toString().startsWith("already up to date"), out.toString());
            assertEquals(operations, chip.flash.counters().operations(), "nothing erased or written");
            assertArrayEquals(pair.newBytes(), chip.content(pair.newBytes().length));
        }
    }

    /**
     * An l476 needs Extended Erase 0x44; behind a Get list without it, no page can be erased. The
     * run is refused before its first erase, with one line saying so and no advice to run it again
     * (it used to erase nothing, then say "flash interrupted ... run the same command again").
     */
    @Test
    void aRunTheBootloaderCannotEraseIsRefusedBeforeItStarts() throws Exception {
        Corpus.Pair pair = Corpus.pair("synth-1-2");
        Path patch = Files.write(dir.resolve("p.fwd"),
                PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch());
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("l476"), pair.oldBytes(), false)) {
            byte[] before = chip.flash.snapshot();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(chip.verifiedFlashArgs(dir.resolve("copies"), "--patch", patch.toString()));
            List<String> errors = err.toString().lines().filter(l -> l.startsWith("fwdelta: error: ")).toList();
            assertEquals(5, exit, err.toString());
            assertEquals(1, errors.size(), err.toString());
            String error = errors.get(0);
            assertTrue(error.startsWith("fwdelta: error: the flash did not start, nothing written: sector 0 at"
                    + " 0x08000000 cannot be erased"), error);
            assertTrue(error.contains("the l476 needs Extended Erase 0x44 for its pages 0..511"), error);
            assertTrue(!err.toString().contains("interrupted") && !err.toString().contains("again"), err.toString());
            assertArrayEquals(before, chip.flash.snapshot(), "the flash byte for byte");
            assertEquals(0, chip.flash.counters().operations(), "nothing erased or written");
        }
    }

    @Test
    void unknownProductIdIsAClearError() throws Exception {
        Stm32Part mystery = new Stm32Part("mystery", 0x999, 0x0800_0000L, "8x2K", true, 8, 0x31);
        try (SimulatedChip chip = new SimulatedChip(dir, mystery, null);
             SerialLink link = SerialLink.open(chip.pty.host.toString(), 115200, SerialPort.NO_PARITY)) {
            IOException e = assertThrows(IOException.class, () -> new An3155Client(link).connect());
            assertTrue(e.getMessage().contains("unknown STM32 product id 0x999"), e.getMessage());
        }
    }

    @Test
    void fullWriteWithAnImage() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        try (SimulatedChip chip = new SimulatedChip(dir, Stm32Part.byName("f103"), null);
             SerialLink link = SerialLink.open(chip.pty.host.toString(), 115200, SerialPort.NO_PARITY)) {
            An3155Client client = new An3155Client(link);
            client.connect();
            DeltaFlasher.Summary s = DeltaFlasher.flashImage(client, pair.newBytes(), true, (p, d, t) -> { });
            assertEquals(s.sectorsInImage(), s.sectorsErased());
            assertArrayEquals(pair.newBytes(), chip.content(pair.newBytes().length));
        }
    }
}
