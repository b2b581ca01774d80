// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.stm32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.sim.NorFlash;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import dev.fwdelta.tool.sim.An3155Simulator;
import dev.fwdelta.tool.sim.DfuseDevice;
import dev.fwdelta.tool.sim.InProcessControl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlashTarget#checkErase} over DfuSe, end to end: the delta flasher and its full write over
 * {@link DfuseClient} to the ROM DFU model, on the f405's map (4x16K, 1x64K, 7x128K). The sectors
 * an image spans are erased and no others, an image ending on a sector boundary or one byte past
 * it included; a run needing an erase the device refuses (past its flash, or a sector its memory
 * map marks as not erasable) is refused before the first erase, the flash untouched. Counted in
 * the flash's erases and compared byte for byte, never timed.
 */
class DfuseCheckEraseTest {
    private static final Stm32Part F405 = Stm32Part.byName("f405");
    private static final int K16 = 16 * 1024;
    /** Sector 4 (64 KiB at 0x08010000) and the rest hold this before a flash: what must survive. */
    private static final byte KEPT = 0x5A;

    @TempDir
    Path dir;

    /** A flash whose first {@code image} bytes hold it and whose every other byte is {@link #KEPT}. */
    private static NorFlash flashWith(byte[] image) throws IOException {
        NorFlash f = NorFlash.erased(An3155Simulator.geometry(F405));
        byte[] all = new byte[(int) f.size()];
        Arrays.fill(all, KEPT);
        System.arraycopy(image, 0, all, 0, image.length);
        f.provision(0, all);
        return f;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Nothing was erased, and every byte is as it was. */
    private static void assertUntouched(NorFlash flash, byte[] before) {
        assertEquals(0, flash.counters().totalErases());
        assertArrayEquals(before, flash.snapshot());
    }

    private static DfuseClient client(DfuseDevice rom) throws IOException {
        return new DfuseClient(new InProcessControl(rom), rom.interfaceString(), DfuseDevice.TRANSFER_SIZE);
    }

    @Test
    void anImageEndingOnASectorBoundaryErasesTheSectorsItSpansAndNoMore() throws Exception {
        byte[] image = random(4 * K16, 1);
        NorFlash flash = flashWith(new byte[0]);
        byte[] before = flash.snapshot();
        DeltaFlasher.Summary s = DeltaFlasher.flashImage(client(new DfuseDevice(flash, F405)), image, true,
                (p, d, t) -> { });
        assertEquals(4, s.sectorsInImage());
        assertEquals(4, s.sectorsErased());
        assertEquals(4, flash.counters().totalErases());
        for (int sector = 0; sector < 4; sector++) {
            assertEquals(1, flash.counters().erases(sector), "sector " + sector);
        }
        byte[] after = flash.snapshot();
        assertArrayEquals(image, Arrays.copyOf(after, image.length));
        assertArrayEquals(Arrays.copyOfRange(before, image.length, before.length),
                Arrays.copyOfRange(after, image.length, after.length), "the sectors after the image are as they were");
    }

    @Test
    void anImageOneBytePastASectorBoundaryErasesTheNextSectorAndWritesOneByte() throws Exception {
        byte[] image = random(4 * K16 + 1, 2);
        NorFlash flash = flashWith(new byte[0]);
        byte[] before = flash.snapshot();
        DeltaFlasher.Summary s = DeltaFlasher.flashImage(client(new DfuseDevice(flash, F405)), image, true,
                (p, d, t) -> { });
        assertEquals(5, s.sectorsInImage());
        assertEquals(5, flash.counters().totalErases());
        assertEquals(1, flash.counters().erases(4));
        byte[] after = flash.snapshot();
        assertArrayEquals(image, Arrays.copyOf(after, image.length));
        int sector5 = 4 * K16 + 64 * 1024;
        byte[] tail = Arrays.copyOfRange(after, image.length, sector5);
        byte[] erased = new byte[tail.length];
        Arrays.fill(erased, (byte) 0xFF);
        assertArrayEquals(erased, tail, "sector 4 past the image's last byte is erased, its old bytes gone");
        assertArrayEquals(Arrays.copyOfRange(before, sector5, before.length),
                Arrays.copyOfRange(after, sector5, after.length), "sector 5 on as it was");
    }

    @Test
    void aPatchChangingOnlyTheByteOnePastABoundaryErasesOnlyThatSector() throws Exception {
        byte[] old = random(4 * K16 + 1, 3);
        byte[] now = old.clone();
        now[4 * K16] ^= 0x01;
        NorFlash flash = flashWith(old);
        byte[] patch = PatchBuilder.build(old, now, BuildOptions.defaults()).patch();
        DeltaFlasher.Summary s = DeltaFlasher.flashPatch(client(new DfuseDevice(flash, F405)), patch, true,
                (p, d, t) -> { }, new RecoveryCopies(dir.resolve("copies")));
        assertEquals(1, s.sectorsErased());
        assertEquals(1, flash.counters().totalErases());
        assertEquals(1, flash.counters().erases(4));
        assertArrayEquals(now, Arrays.copyOf(flash.snapshot(), now.length));
    }

    @Test
    void anImagePastTheEndOfTheFlashIsRefusedBeforeTheFirstErase() throws Exception {
        NorFlash flash = flashWith(new byte[0]);
        byte[] before = flash.snapshot();
        DfuseClient client = client(new DfuseDevice(flash, F405));
        long lastSector = F405.flashBase() + F405.flashSize() - 128 * 1024;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeltaFlasher.flashImage(client,
                random(128 * 1024 + 1, 4), lastSector, true, (p, d, t) -> { }));
        assertEquals("the image at 0x080e0000..0x08100001 (131073 bytes) is outside the dfuse:Internal Flash's flash"
                + " 0x08000000..0x08100000 (1048576 bytes)", e.getMessage());
        assertUntouched(flash, before);
    }

    @Test
    void aSectorTheMemoryMapMarksNotErasableIsRefusedBeforeTheFirstErase() throws Exception {
        // A DfuSe bootloader that guards sector 4 (a boot sector of its own, say) marks it readable
        // only ('a'). An image over sectors 0..4 needs it erased: nothing may be erased, not even 0..3.
        NorFlash flash = flashWith(new byte[0]);
        byte[] before = flash.snapshot();
        DfuseDevice rom = new DfuseDevice(flash, F405, Set.of(4));
        assertEquals("@Internal Flash  /0x8000000/04*016Kg,01*064Ka,07*128Kg", rom.interfaceString());
        DfuseClient client = client(rom);
        IOException e = assertThrows(IOException.class, () -> DeltaFlasher.flashImage(client, random(4 * K16 + 1, 5),
                true, (p, d, t) -> { }));
        assertEquals("the flash did not start, nothing written: sector 4 at 0x08010000 cannot be erased with the"
                + " commands this bootloader offers: the DFU device's memory map marks sector 4 at 0x08010000 as not"
                + " erasable (access 'a'); nothing erased", e.getMessage());
        assertUntouched(flash, before);
    }

    @Test
    void aRunThatSparesTheUnerasableSectorFlashes() throws Exception {
        NorFlash flash = flashWith(new byte[0]);
        DfuseDevice rom = new DfuseDevice(flash, F405, Set.of(4));
        byte[] image = random(4 * K16, 6);
        DeltaFlasher.Summary s = DeltaFlasher.flashImage(client(rom), image, true, (p, d, t) -> { });
        assertEquals(4, s.sectorsErased());
        assertEquals(0, flash.counters().erases(4));
        assertArrayEquals(image, Arrays.copyOf(flash.snapshot(), image.length));
    }

    @Test
    void theAccessLettersWithoutTheEraseBitMarkSectorsNotErasable() {
        // a readable, b erasable, d writable, and their sums: c, e, f, g. Two segments, as a map may have.
        MemoryMap m = MemoryMap.parse("@Internal Flash  /0x08000000/02*016Ka,01*016Kb,01*016Kc,01*016Kd"
                + "/0x08014000/01*016Ke,01*016Kf,01*016Kg");
        List<String> marked = new ArrayList<>();
        for (int sector = 0; sector < m.asPart().map().count(); sector++) {
            int s = sector;
            m.unerasableAccess(sector).ifPresent(access -> marked.add(s + ":" + access));
        }
        assertEquals(List.of("0:a", "1:a", "4:d", "5:e"), marked);
    }

    @Test
    void theRomRefusesToEraseAnUnerasableSector() throws Exception {
        // The model's own rule, which the host's check keeps a run from meeting halfway.
        NorFlash flash = flashWith(new byte[0]);
        DfuseDevice rom = new DfuseDevice(flash, F405, Set.of(4));
        DfuseClient unchecked = new DfuseClient(new InProcessControl(rom), "@Internal Flash  /0x8000000/04*016Kg,"
                + "01*064Kg,07*128Kg", DfuseDevice.TRANSFER_SIZE);
        IOException e = assertThrows(IOException.class, () -> unchecked.erase(new int[] {4}));
        assertTrue(e.getMessage().contains("ERR_TARGET"), e.getMessage());
        assertEquals(0, flash.counters().totalErases());
    }
}
