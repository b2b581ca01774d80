// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.TestImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stm32 flash writes at the image's address on the simulated chip: an application linked at
 * 0x08020000 behind its own bootloader in sector 0 (the regression: it used to land at the flash
 * base and overwrite the bootloader), refusals of addresses the part cannot hold, --go.
 */
class ImageAddressFlashTest {
    /** f405: sectors 4 x 16K, 1 x 64K, 7 x 128K; 0x08020000 is the start of sector 5. */
    private static final Stm32Part F405 = Stm32Part.byName("f405");
    private static final long APP = 0x0802_0000L;
    private static final int APP_SECTOR = 5;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int flash(SimulatedChip chip, String... options) {
        List<String> args = new ArrayList<>(List.of("stm32", "flash", "--port", chip.pty.host.toString(), "--parity",
                "none", "--verify", "--recovery-dir", dir.resolve("copies").toString()));
        args.addAll(List.of(options));
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args.toArray(String[]::new));
    }

    private Path hexAt(String name, long address, byte[] bytes) throws IOException {
        return TestImages.hexAt(dir.resolve(name), address, bytes);
    }

    /** A chip whose sector 0 holds a bootloader and, if given, an application at 0x08020000. */
    private SimulatedChip chipWithBootloader(byte[] bootloader, byte[] app) throws Exception {
        SimulatedChip chip = new SimulatedChip(dir, F405, null);
        chip.flash.provision(0, bootloader);
        if (app != null) {
            byte[] padded = Arrays.copyOf(app, (app.length + 7) & ~7);
            Arrays.fill(padded, app.length, padded.length, (byte) 0xFF);
            chip.flash.provision(APP - F405.flashBase(), padded);
        }
        return chip;
    }

    private static byte[] bootloader() {
        byte[] b = new byte[16 * 1024];
        new Random(7).nextBytes(b);
        return b;
    }

    private static void assertUntouchedBelowTheApp(SimulatedChip chip, byte[] bootloader) {
        assertArrayEquals(bootloader, Arrays.copyOf(chip.flash.snapshot(), bootloader.length), "bootloader sector");
        for (int s = 0; s < APP_SECTOR; s++) {
            assertEquals(0, chip.flash.counters().erases(s), "sector " + s + " erased");
        }
    }

    @Test
    void aHexLinkedAt0x08020000LandsThereAndTheBootloaderIsUntouched() throws Exception {
        byte[] app = Corpus.pair("programmer").newBytes();
        byte[] boot = bootloader();
        Path hex = hexAt("app.hex", APP, app);
        try (SimulatedChip chip = chipWithBootloader(boot, null)) {
            assertEquals(0, flash(chip, "--image", hex.toString(), "--go"), err.toString());
            int at = (int) (APP - F405.flashBase());
            assertArrayEquals(app, Arrays.copyOfRange(chip.flash.snapshot(), at, at + app.length));
            assertUntouchedBelowTheApp(chip, boot);
            assertEquals(APP, chip.simulator.goAddress(), "--go jumps to the image's address");
            assertTrue(out.toString().contains("image address                0x08020000"), out.toString());
        }
    }

    @Test
    void aPatchWithALoadAddressUpdatesTheImageThere() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        byte[] boot = bootloader();
        Path patch = dir.resolve("p.fwd");
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("diff", hexAt("old.hex", APP, pair.oldBytes()).toString(),
                hexAt("new.hex", APP, pair.newBytes()).toString(), "-o", patch.toString()));
        try (SimulatedChip chip = chipWithBootloader(boot, pair.oldBytes())) {
            assertEquals(0, flash(chip, "--patch", patch.toString(), "--go", "0x08020004"), err.toString());
            int at = (int) (APP - F405.flashBase());
            assertArrayEquals(pair.newBytes(), Arrays.copyOfRange(chip.flash.snapshot(), at, at + pair.newBytes().length));
            assertUntouchedBelowTheApp(chip, boot);
            assertEquals(0x0802_0004L, chip.simulator.goAddress(), "--go ADDR");
        }
    }

    /**
     * The bootloader refuses GO (here an address outside the flash, which the simulated chip NACKs)
     * after the image was written and verified: the summary of what is on the chip comes first, as
     * in a run that succeeds, then the one error line, exit 5; with --json the summary is the step
     * line "flashed", since "done" is kept for a run that succeeded.
     */
    @Test
    void aRefusedGoStillReportsWhatWasWrittenAndVerified() throws Exception {
        byte[] app = new byte[40 * 1024];
        new Random(11).nextBytes(app);
        Path bin = Files.write(dir.resolve("app.bin"), app);
        byte[] boot = bootloader();
        try (SimulatedChip chip = chipWithBootloader(boot, null)) {
            assertEquals(5, flash(chip, "--image", bin.toString(), "--address", "0x08020000", "--go", "0x4"));
            int at = (int) (APP - F405.flashBase());
            assertArrayEquals(app, Arrays.copyOfRange(chip.flash.snapshot(), at, at + app.length));
            assertEquals(-1, chip.simulator.goAddress(), "the simulated chip refused GO");
            String text = out.toString();
            assertTrue(text.contains("image address                0x08020000"), text);
            assertTrue(text.contains("bytes written                " + app.length + " of " + app.length), text);
            assertTrue(text.contains(", verified"), text);
            List<String> errors = err.toString().lines().filter(l -> l.startsWith("fwdelta: error:")).toList();
            assertEquals(List.of("fwdelta: error: the image is written and verified at 0x08020000, but GO 0x00000004 "
                    + "failed: bootloader refused (NACK) address 0x00000004 (outside memory?); reset the chip to "
                    + "start it"), errors, err.toString());

            assertEquals(5, flash(chip, "--image", bin.toString(), "--address", "0x08020000", "--go", "0x4",
                    "--json"));
            List<JsonObject> lines = out.toString().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .toList();
            JsonObject flashed = lines.get(lines.size() - 2);
            assertEquals("flashed", flashed.get("event").getAsString(), out.toString());
            assertEquals(APP, flashed.get("image_address").getAsLong());
            assertEquals(app.length, flashed.get("image_bytes").getAsInt());
            assertTrue(flashed.get("verified").getAsBoolean());
            JsonObject error = lines.get(lines.size() - 1);
            assertEquals("error", error.get("event").getAsString());
            assertEquals(5, error.get("exit_code").getAsInt());
            assertTrue(lines.stream().noneMatch(l -> l.get("event").getAsString().equals("done")), out.toString());
        }
    }

    @Test
    void addressesThePartCannotHoldAreRefusedBeforeAnyOperation() throws Exception {
        byte[] app = Corpus.pair("programmer").newBytes();
        byte[] boot = bootloader();
        try (SimulatedChip chip = chipWithBootloader(boot, null)) {
            long ops = chip.flash.counters().operations();
            // Past the 1 MiB flash.
            assertEquals(2, flash(chip, "--image", hexAt("far.hex", 0x080F_F000L, app).toString()));
            assertTrue(err.toString().contains("outside the f405's flash 0x08000000..0x08100000"), err.toString());
            // Inside sector 0 but not at its start: erasing it would take the bootloader with it.
            assertEquals(2, flash(chip, "--image", hexAt("mid.hex", 0x0800_2000L, app).toString()));
            assertTrue(err.toString().contains("does not start on a sector"), err.toString());
            // A raw image placed by --address, outside the flash.
            Path bin = Files.write(dir.resolve("app.bin"), app);
            assertEquals(2, flash(chip, "--image", bin.toString(), "--address", "0x20000000"));
            assertEquals(ops, chip.flash.counters().operations(), "nothing erased or written");
            assertUntouchedBelowTheApp(chip, boot);
        }
    }

    @Test
    void aPatchForAnotherAddressIsRefusedBeforeAnyOperation() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path patch = dir.resolve("p.fwd");
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("diff", pair.oldPath().toString(), pair.newPath().toString(), "-o",
                patch.toString(), "--address", "0x08040000"));
        byte[] boot = bootloader();
        try (SimulatedChip chip = chipWithBootloader(boot, pair.oldBytes())) {
            long ops = chip.flash.counters().operations();
            assertEquals(6, flash(chip, "--patch", patch.toString(), "--address", "0x08020000"));
            assertTrue(err.toString().contains("bad value for load_address: 0x08040000, but this slot is at 0x08020000"),
                    err.toString());
            assertEquals(ops, chip.flash.counters().operations(), "nothing erased or written");
        }
    }

    @Test
    void exportDfuPlacesAHexAtItsAddress() throws Exception {
        byte[] app = Corpus.pair("programmer").newBytes();
        Path dfu = dir.resolve("app.dfu");
        var cl = Main.commandLine();
        StringWriter o = new StringWriter();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("stm32", "export-dfu", hexAt("app.hex", APP, app).toString(), "-o", dfu.toString()));
        assertTrue(o.toString().contains("at 0x08020000"), o.toString());
        FirmwareImage raw = ImageLoader.load(Files.write(dir.resolve("a.bin"), app));
        assertEquals(FirmwareImage.NO_ADDRESS, raw.address());
        o.getBuffer().setLength(0);
        assertEquals(0, cl.execute("stm32", "export-dfu", dir.resolve("a.bin").toString(), "-o",
                dir.resolve("b.dfu").toString()));
        assertTrue(o.toString().contains("at 0x08000000"), o.toString());
    }
}
