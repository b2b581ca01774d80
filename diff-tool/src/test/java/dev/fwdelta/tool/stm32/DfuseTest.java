// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.Tools;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import dev.fwdelta.tool.transport.dfu.DfuException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DfuSe: memory maps, delta flashing against the ST ROM DFU model, and .dfu files dfu-util accepts. */
class DfuseTest {
    @TempDir
    Path dir;

    @Test
    void memoryMapFromTheInterfaceString() {
        MemoryMap m = MemoryMap.parse("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg");
        assertEquals("Internal Flash", m.name());
        assertEquals(0x0800_0000L, m.base());
        assertEquals(12, m.asPart().map().count());
        assertEquals(1 << 20, m.asPart().flashSize());
        assertEquals(64, MemoryMap.parse("@Internal Flash  /0x08000000/64*002Kg").asPart().map().count());
        assertThrows(IllegalArgumentException.class, () -> MemoryMap.parse("Internal Flash"));
    }

    private static NorFlash flashWith(Stm32Part part, byte[] image) throws Exception {
        NorFlash f = NorFlash.erased(An3155Simulator.geometry(part));
        byte[] padded = Arrays.copyOf(image, (image.length + 7) & ~7);
        Arrays.fill(padded, image.length, padded.length, (byte) 0xFF);
        f.provision(0, padded);
        return f;
    }

    @Test
    void deltaFlashOverDfuse() throws Exception {
        Corpus.Pair pair = Corpus.pair("synth-1-3");
        Stm32Part f405 = Stm32Part.byName("f405");
        NorFlash flash = flashWith(f405, pair.oldBytes());
        DfuseDevice rom = new DfuseDevice(flash, f405);
        assertEquals("@Internal Flash  /0x8000000/04*016Kg,01*064Kg,07*128Kg", rom.interfaceString());
        DfuseClient client = new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
        byte[] patch = PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults()).patch();
        DeltaFlasher.Summary s = DeltaFlasher.flashPatch(client, patch, true, (p, d, t) -> { }, new RecoveryCopies(dir.resolve("copies")));
        assertArrayEquals(pair.newBytes(), Arrays.copyOf(flash.snapshot(), pair.newBytes().length));
        assertEquals(s.sectorsErased(), flash.counters().totalErases());
        client.readUnprotect();
        client.go(f405.flashBase());
        assertEquals(f405.flashBase(), rom.startedAt(), "leave sequence starts the firmware");
    }

    @Test
    void writingUnerasedFlashIsAnErrorStatus() throws Exception {
        Stm32Part g071 = Stm32Part.byName("g071");
        NorFlash flash = flashWith(g071, new byte[4096]);
        DfuseDevice rom = new DfuseDevice(flash, g071);
        DfuseClient client = new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
        DfuException e = assertThrows(DfuException.class, () -> client.write(g071.flashBase(), new byte[] {1, 2, 3, 4}));
        assertTrue(e.getMessage().contains("ERR_PROG"), e.getMessage());
    }

    @Test
    void usbWithoutTheDeviceIsAClearIoError() throws Exception {
        Path patch = Files.write(dir.resolve("p.fwd"), PatchBuilder.build(Corpus.pair("programmer").oldBytes(),
                Corpus.pair("programmer").newBytes(), BuildOptions.defaults()).patch());
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(5, cl.execute("stm32", "flash", "--usb", "0483:df11", "--patch", patch.toString()));
        assertTrue(err.toString().contains("0483:df11"), err.toString());
    }

    @Test
    void exportedDfuFileIsAcceptedByDfuUtil() throws Exception {
        Path bin = Corpus.pair("programmer").newPath();
        Path dfu = dir.resolve("new.dfu");
        StringWriter out = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("stm32", "export-dfu", bin.toString(), "--address", "0x08000000", "-o",
                dfu.toString()));
        String check = Tools.run("dfu-suffix", "--check", dfu.toString());
        assertTrue(check.contains("Vendor ID:\t0x0483") && check.contains("BCD DFU:\t0x011A"), check);

        // dfu-util itself reads the file's suffix (and then finds no device to download to).
        Process du = new ProcessBuilder("dfu-util", "-D", dfu.toString()).redirectErrorStream(true).start();
        String duText = new String(du.getInputStream().readAllBytes());
        du.waitFor();
        assertTrue(duText.contains("Match vendor ID from file: 0483") && duText.contains("Match product ID from file: df11"),
                duText);

        // The DfuSe layout, read back by this test's own parser (UM0391).
        byte[] f = Files.readAllBytes(dfu);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("DfuSe", new String(f, 0, 5));
        assertEquals(f.length - 16, b.getInt(6), "DFUImageSize excludes the suffix");
        assertEquals("Target", new String(f, 11, 6));
        assertEquals(0x0800_0000, b.getInt(11 + 274));
        byte[] image = Files.readAllBytes(bin);
        assertEquals(image.length, b.getInt(11 + 274 + 4));
        assertArrayEquals(image, Arrays.copyOfRange(f, 11 + 274 + 8, 11 + 274 + 8 + image.length));
        CRC32 crc = new CRC32();
        crc.update(f, 0, f.length - 4);
        assertEquals((int) ~crc.getValue(), b.getInt(f.length - 4));

        f[600] ^= 1;
        Path bad = Files.write(dir.resolve("bad.dfu"), f);
        Process p = new ProcessBuilder("dfu-suffix", "--check", bad.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertTrue(text.contains("DFU suffix CRC does not match"), text);
    }
}
