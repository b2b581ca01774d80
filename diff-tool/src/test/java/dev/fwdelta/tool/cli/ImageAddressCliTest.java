// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.image.ArmBuild;
import dev.fwdelta.tool.image.FirmwareImage;
import dev.fwdelta.tool.image.ImageFile;
import dev.fwdelta.tool.image.ImageFormat;
import dev.fwdelta.tool.image.ImageLoader;
import dev.fwdelta.tool.image.ImageRegion;
import dev.fwdelta.tool.image.TestImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** diff and apply with addressed images: regions, load addresses in the patch, refusals, output formats. */
class ImageAddressCliTest {
    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner();

    private Path microbit(String name) {
        return Corpus.dir().resolve("microbit/" + name);
    }

    private static PatchHeader header(Path patch) throws IOException {
        return PatchHeader.parse(Files.readAllBytes(patch));
    }

    @Test
    void microbitHexWithUicrIsRefusedNamingTheRegionAndTheOption() {
        Path patch = dir.resolve("p.fwd");
        assertEquals(ExitCodes.USAGE, cli.run("diff", microbit("v1-7.0.6.hex").toString(),
                microbit("v1-8.1.9.hex").toString(), "-o", patch.toString()));
        assertTrue(cli.err().contains("0x10001014..0x10001018 (4 bytes, nRF UICR)"), cli.err());
        assertTrue(cli.err().contains("--region 0x0-0x3fc20"), cli.err());
        assertFalse(Files.exists(patch));
    }

    /** The simulators read images as diff does: a multi-region file needs --region there too. */
    @Test
    void deviceSimulateTakesRegionLikeDiff() {
        Path patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", microbit("v1-7.0.6.hex").toString(), microbit("v1-8.1.9.hex").toString(), "-o",
                patch.toString(), "--region", "0x0-0x80000"), cli.err());
        assertEquals(ExitCodes.USAGE, cli.run("device", "simulate", "--layout", "stm32f405-1m", "--old",
                microbit("v1-7.0.6.hex").toString(), "--patch", patch.toString()));
        assertTrue(cli.err().contains("--region"), cli.err());
        // With --region the image loads; the simulated STM32 then refuses a patch built for address 0.
        assertEquals(ExitCodes.REFUSED, cli.run("device", "simulate", "--layout", "stm32f405-1m", "--old",
                microbit("v1-7.0.6.hex").toString(), "--patch", patch.toString(), "--region", "0x0-0x80000"));
        assertTrue(cli.err().contains("WRONG_LOAD_ADDRESS"), cli.err());
    }

    @Test
    void microbitRoundTripsThroughHexWithTheUicrLeftOutAndSaidSo() throws Exception {
        for (String[] pair : new String[][] {{"v1-7.0.6.hex", "v1-8.1.9.hex"}, {"v2-7.0.6.hex", "v2-8.1.9.hex"}}) {
            Path patch = dir.resolve("p.fwd");
            Path out = dir.resolve("new.hex");
            assertEquals(0, cli.run("diff", microbit(pair[0]).toString(), microbit(pair[1]).toString(), "-o",
                    patch.toString(), "--region", "0x0-0x80000"), cli.err());
            assertTrue(cli.err().contains("region 0x10001014..") && cli.err().contains("nRF UICR")
                    && cli.err().contains("left out"), cli.err());
            assertEquals(0, header(patch).loadAddress());
            assertEquals(0, cli.run("apply", microbit(pair[0]).toString(), patch.toString(), "-o", out.toString(),
                    "--region", "0x0-0x80000"), cli.err());
            ImageFile written = ImageLoader.read(out);
            assertEquals(ImageFormat.INTEL_HEX, written.format());
            List<ImageRegion> expected = ImageLoader.read(microbit(pair[1])).regions();
            // The flash region comes back at its address, byte for byte; the UICR was not part of the patch.
            assertEquals(1, written.regions().size());
            assertEquals(expected.get(0).address(), written.regions().get(0).address());
            assertArrayEquals(expected.get(0).bytes(), written.regions().get(0).bytes(), pair[1]);
        }
    }

    @Test
    void hexElfAndBinOfOneBuildGiveTheSamePatch() throws Exception {
        ArmBuild.Outputs v1 = ArmBuild.build(dir, 1);
        ArmBuild.Outputs v2 = ArmBuild.build(dir, 2);
        Path fromElf = dir.resolve("elf.fwd");
        Path fromHex = dir.resolve("hex.fwd");
        Path fromBin = dir.resolve("bin.fwd");
        assertEquals(0, cli.run("diff", v1.elf().toString(), v2.elf().toString(), "-o", fromElf.toString()), cli.err());
        assertEquals(0, cli.run("diff", v1.hex().toString(), v2.hex().toString(), "-o", fromHex.toString()), cli.err());
        assertEquals(0, cli.run("diff", v1.bin().toString(), v2.bin().toString(), "-o", fromBin.toString(),
                "--address", "0x08010000"), cli.err());
        assertEquals(ArmBuild.FLASH, header(fromElf).loadAddress());
        assertArrayEquals(Files.readAllBytes(fromElf), Files.readAllBytes(fromHex), "ELF and HEX patches");
        assertArrayEquals(Files.readAllBytes(fromElf), Files.readAllBytes(fromBin), "ELF and BIN patches");
        // A raw .bin without --address records no address: the patch differs only by the flag and 4 bytes.
        Path unaddressed = dir.resolve("raw.fwd");
        assertEquals(0, cli.run("diff", v1.bin().toString(), v2.bin().toString(), "-o", unaddressed.toString()));
        assertFalse(header(unaddressed).hasLoadAddress());
        // apply of the ELF-made patch to the ELF gives NEW in any output format.
        for (String name : List.of("out.hex", "out.srec", "out.bin")) {
            Path out = dir.resolve(name);
            assertEquals(0, cli.run("apply", v1.elf().toString(), fromElf.toString(), "-o", out.toString()), cli.err());
            FirmwareImage back = ImageLoader.load(out, ArmBuild.FLASH);
            assertEquals(ArmBuild.FLASH, back.address(), name);
            assertArrayEquals(ImageLoader.load(v2.elf()).bytes(), back.bytes(), name);
        }
    }

    /** apply picks NEW's format by every name diff reads the format by, and its --help names them all. */
    @Test
    void applyWritesHexAndSrecByEveryExtensionItsHelpNames() throws IOException {
        byte[] bytes = new byte[3000];
        new Random(7).nextBytes(bytes);
        Path old = hexAt("old.hex", 0x0800_0000L, bytes);
        bytes[100] ^= 1;
        Path patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", old.toString(), hexAt("new.hex", 0x0800_0000L, bytes).toString(), "-o",
                patch.toString()), cli.err());
        assertEquals(0, cli.run("apply", "--help"));
        String help = cli.out();
        for (String ext : List.of(".hex", ".ihex", ".ihx", ".srec", ".s19", ".s28", ".s37", ".mot")) {
            Path out = dir.resolve("out" + ext);
            assertEquals(0, cli.run("apply", old.toString(), patch.toString(), "-o", out.toString()), cli.err());
            assertEquals(ImageFormat.byName(out.toString()), ImageLoader.detect(out), ext);
            assertTrue(help.contains(ext), "apply --help names " + ext + ": " + help);
        }
    }

    private Path hexAt(String name, long address, byte[] bytes) throws IOException {
        return TestImages.hexAt(dir.resolve(name), address, bytes);
    }

    @Test
    void imagesAtDifferentAddressesNeedAllowMove() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path oldHex = hexAt("old.hex", 0x0800_0000L, pair.oldBytes());
        Path newHex = hexAt("new.hex", 0x0801_0000L, pair.newBytes());
        Path patch = dir.resolve("p.fwd");
        assertEquals(ExitCodes.USAGE, cli.run("diff", oldHex.toString(), newHex.toString(), "-o", patch.toString()));
        assertTrue(cli.err().contains("OLD is at 0x08000000 and NEW at 0x08010000") && cli.err().contains("--allow-move"),
                cli.err());
        assertEquals(0, cli.run("diff", oldHex.toString(), newHex.toString(), "-o", patch.toString(), "--allow-move"),
                cli.err());
        assertEquals(0x0801_0000L, header(patch).loadAddress());
        StringWriter inspected = new StringWriter();
        CommandLine cl = Main.commandLineFor(new String[] {"inspect"});
        cl.setOut(new PrintWriter(inspected, true));
        assertEquals(0, cl.execute("inspect", patch.toString()));
        assertTrue(inspected.toString().contains("0x08010000"), inspected.toString());
        // apply puts NEW in the slot the patch names: OLD's slot is not it, --address says where NEW goes.
        Path out = dir.resolve("out.hex");
        assertEquals(ExitCodes.REFUSED, cli.run("apply", oldHex.toString(), patch.toString(), "-o", out.toString()));
        assertTrue(cli.err().contains("WRONG_LOAD_ADDRESS") || cli.err().contains("load_address: 0x08010000"), cli.err());
        assertFalse(Files.exists(out));
        assertEquals(0, cli.run("apply", oldHex.toString(), patch.toString(), "-o", out.toString(), "--address",
                "0x08010000"), cli.err());
        assertEquals(0x0801_0000L, ImageLoader.load(out).address());
    }

    @Test
    void applyRefusesAPatchForAnotherSlot() throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        Path patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", pair.oldPath().toString(), pair.newPath().toString(), "-o", patch.toString(),
                "--address", "0x08010000"));
        Path out = dir.resolve("out.bin");
        assertEquals(ExitCodes.REFUSED, cli.run("apply", pair.oldPath().toString(), patch.toString(), "-o",
                out.toString(), "--address", "0x08000000"));
        assertTrue(cli.err().contains("bad value for load_address: 0x08010000, but this slot is at 0x08000000"),
                cli.err());
        assertFalse(Files.exists(out));
        Path oldHex = hexAt("old.hex", 0x0800_0000L, pair.oldBytes());
        assertEquals(ExitCodes.REFUSED, cli.run("apply", oldHex.toString(), patch.toString(), "-o", out.toString()));
        assertEquals(0, cli.run("apply", pair.oldPath().toString(), patch.toString(), "-o", out.toString(),
                "--address", "0x08010000"), cli.err());
        assertArrayEquals(pair.newBytes(), Files.readAllBytes(out));
    }

    @Test
    void malformedOrMismatchedImagesAreUsageErrors() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.hex"), ":0400000001020304F3\n:00000001FF\n");
        Path other = Files.writeString(dir.resolve("ok.hex"), ":0400000001020304F2\n:00000001FF\n");
        assertEquals(ExitCodes.USAGE, cli.run("diff", bad.toString(), other.toString(), "-o", dir.resolve("p").toString()));
        assertTrue(cli.err().startsWith("fwdelta: error: ") && cli.err().contains("checksum mismatch"), cli.err());
        Path hexNamedBin = Files.writeString(dir.resolve("fw.bin"), ":0400000001020304F2\n:00000001FF\n");
        assertEquals(ExitCodes.USAGE, cli.run("diff", hexNamedBin.toString(), other.toString(), "-o",
                dir.resolve("p").toString()));
        assertTrue(cli.err().contains("holds an Intel HEX file: rename it (.hex)"), cli.err());
        Path srec = Files.writeString(dir.resolve("fw.srec"), "S107000001020304EE\nS9030000FC\n");
        assertEquals(0, cli.run("diff", srec.toString(), other.toString(), "-o", dir.resolve("p").toString()), cli.err());
    }

    /**
     * A .hex or .srec NEW whose address (--address here; diff records no load_address that does
     * not fit) + new_size runs past 2^32 cannot be written as address records: refused before the
     * output exists, naming the address and new_size, not failed half written.
     */
    @Test
    void aRecordOutputPast4GiBIsRefusedBeforeAnythingIsWritten() throws Exception {
        byte[] a = new byte[8192];
        new Random(5).nextBytes(a);
        byte[] b = a.clone();
        b[100] ^= 1;
        Path old = Files.write(dir.resolve("old.bin"), a);
        Path neu = Files.write(dir.resolve("new.bin"), b);
        Path patch = dir.resolve("p.fwd");
        assertEquals(0, cli.run("diff", old.toString(), neu.toString(), "-o", patch.toString()), cli.err());
        for (String name : new String[] {"out.hex", "out.srec"}) {
            Path out = dir.resolve(name);
            int code = cli.run("apply", old.toString(), patch.toString(), "-o", out.toString(), "--address",
                    "0xfffff000");
            assertEquals(ExitCodes.USAGE, code, cli.err());
            assertTrue(cli.err().contains("0xfffff000") && cli.err().contains("new_size 8192")
                    && cli.err().contains("2^32"), cli.err());
            assertEquals(1, cli.err().lines().count(), cli.err());
            assertFalse(Files.exists(out), name);
        }
        assertEquals(0, cli.run("apply", old.toString(), patch.toString(), "-o", dir.resolve("out.bin").toString()),
                cli.err());
    }

    /** --address places raw binaries only: one that disagrees with a HEX file's own address is refused, saying so. */
    @Test
    void anAddressOtherThanTheFilesIsRefusedNamingBoth() throws IOException {
        Path hex = dir.resolve("fw.hex");
        // Four bytes at 0x08000000: an extended linear address record, one data record, end of file.
        Files.writeString(hex, ":020000040800F2\n:0400000001020304F2\n:00000001FF\n");
        Path dfu = dir.resolve("fw.dfu");
        assertEquals(ExitCodes.USAGE, cli.run("stm32", "export-dfu", hex.toString(), "-o", dfu.toString(),
                "--address", "0x08004000"));
        assertTrue(cli.err().contains(hex + " is at 0x08000000, not at --address 0x08004000: --address is for raw"
                + " binaries; Intel HEX files say where they go"), cli.err());
        assertFalse(Files.exists(dfu));
        assertEquals(0, cli.run("stm32", "export-dfu", hex.toString(), "-o", dfu.toString(), "--address",
                "0x08000000"), cli.err());
    }
}
