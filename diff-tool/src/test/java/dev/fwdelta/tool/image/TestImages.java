// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Image files for tests: bytes at an address, written by fwdelta's own record writers, and a minimal ELF file. */
public final class TestImages {
    private TestImages() {}

    /** {@code bytes} at {@code address} as an Intel HEX file {@code file}. */
    public static Path hexAt(Path file, long address, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            RecordWriter w = RecordWriter.of(ImageFormat.INTEL_HEX, out, address);
            w.write(bytes);
            w.finish();
        }
        return file;
    }

    /** An ELF32 little-endian executable: header, one PT_LOAD program header, {@code data} at {@code paddr}. */
    public static byte[] elf32(int paddr, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(52 + 32 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1});
        b.putShort(16, (short) ElfImage.ET_EXEC).putShort(18, (short) 40).putInt(20, 1);
        b.putInt(28, 52).putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) 1);
        b.putInt(52, ElfImage.PT_LOAD).putInt(56, 84).putInt(60, paddr).putInt(64, paddr)
                .putInt(68, data.length).putInt(72, data.length);
        b.position(84);
        b.put(data);
        return b.array();
    }
}
