// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.fwdelta.tool.Corpus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ELF executables: PT_LOAD segments by physical address, the same bytes objcopy makes, and bounded header reads. */
class ElfImageTest {
    @TempDir
    Path dir;

    @Test
    void elfHexAndBinOfOneBuildAreTheSameImage() throws Exception {
        ArmBuild.Outputs b = ArmBuild.build(dir, 1);
        FirmwareImage elf = ImageLoader.load(b.elf());
        FirmwareImage hex = ImageLoader.load(b.hex());
        FirmwareImage bin = ImageLoader.load(b.bin(), ArmBuild.FLASH);
        assertEquals(ImageFormat.ELF, elf.format());
        assertEquals(40, elf.elfMachine(), "EM_ARM");
        assertEquals(ArmBuild.FLASH, elf.address());
        assertEquals(ArmBuild.FLASH, hex.address());
        assertArrayEquals(bin.bytes(), elf.bytes(), "ELF segments = objcopy -O binary");
        assertArrayEquals(bin.bytes(), hex.bytes(), "HEX = objcopy -O binary");
        // The .data initialiser is loaded after the code (p_paddr in flash, p_vaddr in RAM).
        List<ImageRegion> regions = ImageLoader.read(b.elf()).regions();
        assertEquals(1, regions.size(), regions.toString());
    }

    @Test
    void corpusElfFilesGiveTheirFlashImage() throws IOException {
        // pyboard: segments at 0x08000000 and 0x08020000 with a gap below 256 KiB: one region.
        FirmwareImage pyb = ImageLoader.load(Corpus.dir().resolve("pybv11/1f5d945af-firmware.elf"));
        assertEquals(0x0800_0000L, pyb.address());
        assertEquals(40, pyb.elfMachine());
        // esp8266: RAM and flash segments megabytes apart: regions, refused without --region.
        ImageFile esp = ImageLoader.read(Corpus.dir().resolve("esp8266-micropython/v1.10.elf"));
        assertTrue(esp.regions().size() > 1, esp.regions().toString());
        assertEquals(94, esp.elfMachine(), "EM_XTENSA");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegionSelector.select(esp, null, FirmwareImage.NO_ADDRESS));
        assertTrue(e.getMessage().contains("--region"), e.getMessage());
    }

    @Test
    void headerFieldsOutsideTheFileAreRefusedByName() throws Exception {
        byte[] elf = Files.readAllBytes(ArmBuild.build(dir, 1).elf());
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        assertRefused(patched(elf, 28, elf.length), "e_phoff");
        assertRefused(patched(elf, 44, 0), "e_phnum");
        int phoff = b.getInt(28);
        assertRefused(patched(elf, phoff + 4, elf.length - 2), "p_offset"); // first program header's offset
        assertRefused(patched(elf, phoff + 16, 0x7FFF_FFFF), "p_filesz");
        byte[] relocatable = elf.clone();
        relocatable[16] = 1; // ET_REL
        assertRefused(relocatable, "e_type is 1 (relocatable object)");
        assertRefused(new byte[] {0x7F, 'E', 'L', 'F', 1, 1}, "runs past the end");
    }

    /**
     * A count or size larger than the whole file is refused naming that field and the file size,
     * not as an offset with a negative "valid range" computed from it.
     */
    @Test
    void countsAndSizesLargerThanTheFileAreRefusedByNameWithTheFileSize() throws Exception {
        byte[] elf = TestImages.elf32(0x0800_0000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(0x0800_0000L, ImageLoader.load(Files.write(dir.resolve("ok.elf"), elf)).address());
        byte[] manyHeaders = elf.clone();
        ByteBuffer.wrap(manyHeaders).order(ByteOrder.LITTLE_ENDIAN).putShort(44, (short) 1000);
        String phnum = refusal(manyHeaders);
        assertTrue(phnum.contains("e_phnum: 1000") && phnum.contains(elf.length + "-byte file"), phnum);
        assertTrue(!phnum.contains("..-"), phnum);
        String filesz = refusal(patched(elf, 52 + 16, 1 << 20));
        assertTrue(filesz.contains("segment 0 p_filesz: 1048576") && filesz.contains(elf.length + "-byte file"), filesz);
        assertTrue(!filesz.contains("..-"), filesz);
    }

    /**
     * PT_LOAD segments may all point at the same bytes of the file: a 16 MiB file of 20 such
     * segments at 20 addresses had 17 of them read (272 MiB allocated) before the data limit
     * refused it, "out of memory" in a 256 MiB heap. Their p_filesz together are now checked first.
     */
    @Test
    void segmentsSharingTheFilesBytesAreRefusedBeforeAnyIsRead() throws Exception {
        int segments = 20;
        int size = 16 << 20;
        int dataAt = 52 + 32 * segments;
        ByteBuffer b = ByteBuffer.wrap(TestImages.elf32(0, new byte[32 * segments - 32])).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(44, (short) segments);
        for (int i = 0; i < segments; i++) {
            b.putInt(52 + 32 * i, ElfImage.PT_LOAD).putInt(56 + 32 * i, dataAt).putInt(64 + 32 * i, i << 25)
                    .putInt(68 + 32 * i, size).putInt(72 + 32 * i, size);
        }
        Path f = Files.write(dir.resolve("shared.elf"), b.array());
        try (var file = new RandomAccessFile(f.toFile(), "rw")) {
            file.setLength(dataAt + size); // sparse: no disk used
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String message = assertThrows(BadImageException.class, () -> ImageLoader.read(f)).getMessage();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < size, allocated + " bytes allocated for " + message);
        assertEquals(f + ": ELF: bad value for segment 16 p_filesz: 16777216 (the PT_LOAD segments before it hold "
                + "268435456 bytes, all together at most 268435456: valid range 0..0)", message);
    }

    private String refusal(byte[] elf) throws IOException {
        Path f = Files.write(dir.resolve("bad.elf"), elf);
        return assertThrows(BadImageException.class, () -> ImageLoader.read(f)).getMessage();
    }

    private byte[] patched(byte[] elf, int at, int value) {
        byte[] b = elf.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    private void assertRefused(byte[] elf, String expected) throws IOException {
        Path f = Files.write(dir.resolve("bad.elf"), elf);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageLoader.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
