// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.GoldenVectors;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.ErrorCode;
import dev.fwdelta.runtime.format.LittleEndian;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every golden vector (patch-runtime's test resources) applied by the C tool and by the Java
 * runtime with chunks of 1, 7 and 4096 bytes: the same new image; and seeded corruptions of each:
 * the same error code.
 */
class GoldenVectorDifferentialTest {
    private static final int[] CHUNKS = {1, 7, 4096};

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyVectorAtEveryChunkSize() {
        CApplyTool c = new CApplyTool(dir);
        return GoldenVectors.all().keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] old = resource(name + ".old");
            byte[] patch = resource(name + ".fwd");
            for (int chunk : CHUNKS) {
                Outcome java = JavaApply.apply(old, patch, chunk);
                Outcome cPort = c.apply(old, patch, chunk);
                assertEquals(0, java.errorCode(), name + ": the Java runtime applies every golden vector");
                assertTrue(java.sameAs(cPort), name + " chunk " + chunk + ": Java " + java + ", C " + cPort);
            }
        }));
    }

    /**
     * A C agent at the patch's slot applies it, one at another slot gets WRONG_LOAD_ADDRESS (44,
     * exit 6) as the Java runtime's check gives; a patch without an address fits any slot.
     */
    @Test
    void theCAgentChecksTheLoadAddressAsJavaDoes() throws Exception {
        CApplyTool c = new CApplyTool(dir);
        for (String name : List.of("compact-load-address", "compact-load-address-signed")) {
            byte[] old = resource(name + ".old");
            byte[] patch = resource(name + ".fwd");
            PatchHeader h = PatchHeader.parse(patch);
            assertEquals(0x0801_0000L, h.loadAddress());
            Outcome right = c.applyAtSlot(old, patch, 7, 0x0801_0000L);
            assertTrue(JavaApply.apply(old, patch, 7).sameAs(right), name + ": " + right);
            Outcome wrong = c.applyAtSlot(old, patch, 7, 0x0800_0000L);
            PatchException java = assertThrows(PatchException.class, () -> h.checkLoadAddress(0x0800_0000L));
            assertEquals(java.code().number(), wrong.errorCode(), name);
            assertEquals(44, wrong.errorCode(), name);
            assertEquals(6, wrong.exitCode(), name);
        }
        Outcome any = c.applyAtSlot(resource("compact-lzma.old"), resource("compact-lzma.fwd"), 7, 0x1234_0000L);
        assertEquals(0, any.errorCode(), "no load address: any slot");
    }

    /**
     * A compact header with two bad fields is refused for the first in FORMAT.md 1.2's order:
     * codec_props or codec_window before a decoder_ram in a non-shortest form (the C parser read
     * decoder_ram first and answered BAD_VARINT). compact-lzma's header: codec_props at offset 10,
     * codec_window (uvarint 4096) at 13..14, decoder_ram at 15..16; the bad window is 255, one below
     * lzma's smallest.
     */
    @Test
    void aCompactHeaderIsCheckedInTheSpecsFieldOrder() throws Exception {
        CApplyTool c = new CApplyTool(dir);
        byte[] old = resource("compact-lzma.old");
        byte[] patch = resource("compact-lzma.fwd");
        assertEquals(4096, PatchHeader.parse(patch).codecWindow());
        byte[] longRam = {(byte) 0xAC, (byte) 0xD1, 0x00};
        byte[] badWindow = withHeaderBytes(patch, 13, 4, new byte[] {(byte) 0xFF, 0x01, longRam[0], longRam[1], longRam[2]});
        byte[] badProps = withHeaderBytes(withHeaderBytes(patch, 10, 1, new byte[] {(byte) 225}), 15, 2, longRam);
        for (Object[] t : new Object[][] {{badWindow, ErrorCode.BAD_CODEC_WINDOW}, {badProps, ErrorCode.BAD_CODEC_PROPS}}) {
            byte[] bad = (byte[]) t[0];
            Outcome java = JavaApply.apply(old, bad, 7);
            Outcome cPort = c.apply(old, bad, 7);
            assertEquals(((ErrorCode) t[1]).number(), java.errorCode(), java.toString());
            assertTrue(java.sameAs(cPort), "Java " + java + ", C " + cPort);
        }
    }

    /** {@code patch} with header bytes [at, at+length) replaced, header_size and header_crc32 made right. */
    private static byte[] withHeaderBytes(byte[] patch, int at, int length, byte[] replacement) {
        int headerSize = LittleEndian.u16(patch, 6);
        int newSize = headerSize - length + replacement.length;
        byte[] b = new byte[patch.length - length + replacement.length];
        System.arraycopy(patch, 0, b, 0, at);
        System.arraycopy(replacement, 0, b, at, replacement.length);
        System.arraycopy(patch, at + length, b, at + replacement.length, patch.length - at - length);
        LittleEndian.put16(b, 6, newSize);
        CRC32 crc = new CRC32();
        crc.update(b, 0, newSize - 4);
        LittleEndian.put32(b, newSize - 4, crc.getValue());
        return b;
    }

    /**
     * Corrupted vectors: each vector with seeded single-byte changes (header and
     * payload), truncated and extended, and against a changed old image: Java and C give the
     * same error code (or, where a change is harmless, the same image).
     */
    @TestFactory
    Stream<DynamicTest> corruptedVectorsGiveTheSameCode() {
        CApplyTool c = new CApplyTool(dir);
        return GoldenVectors.all().keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] old = resource(name + ".old");
            byte[] patch = resource(name + ".fwd");
            Random random = new Random(name.hashCode());
            List<String> mismatches = new ArrayList<>();
            int failures = 0;
            for (byte[] bad : corruptions(patch, random)) {
                Outcome java = JavaApply.apply(old, bad, 7);
                Outcome cPort = c.apply(old, bad, 7);
                failures += java.errorCode() != 0 ? 1 : 0;
                if (!java.sameAs(cPort)) {
                    mismatches.add("Java " + java + ", C " + cPort);
                }
            }
            byte[] otherOld = old.clone();
            if (otherOld.length > 0) {
                otherOld[otherOld.length / 2] ^= 1;
                Outcome cPort = c.apply(otherOld, patch, 7);
                assertEquals(34, cPort.errorCode(), "changed old image: WRONG_BASE_IMAGE");
                assertEquals(4, cPort.exitCode(), "changed old image: exit 4");
            }
            assertEquals(List.of(), mismatches, name);
            assertTrue(failures > 0, name + ": the corruptions must include refused patches");
        }));
    }

    /** 24 single-byte changes (half in the header, all of them when there is no payload), 3 truncations and one trailing byte. */
    private static List<byte[]> corruptions(byte[] patch, Random random) throws IOException {
        List<byte[]> out = new ArrayList<>();
        int headerSize = PatchHeader.parse(patch).size();
        for (int i = 0; i < 24; i++) {
            byte[] b = patch.clone();
            boolean inHeader = i % 2 == 0 || patch.length == headerSize;
            int at = inHeader ? random.nextInt(headerSize) : headerSize + random.nextInt(patch.length - headerSize);
            b[at] ^= (byte) (1 + random.nextInt(255));
            out.add(b);
        }
        for (int cut : new int[] {5, headerSize - 1, patch.length - 1}) {
            byte[] b = new byte[cut];
            System.arraycopy(patch, 0, b, 0, cut);
            out.add(b);
        }
        byte[] longer = new byte[patch.length + 1];
        System.arraycopy(patch, 0, longer, 0, patch.length);
        out.add(longer);
        return out;
    }

    /**
     * The small-window vectors (FORMAT.md 2.1) at every codec_window around theirs, decoder_ram
     * recomputed: split's from 256 to 600 (its ring-room cut, a match copied only as far as the
     * bytes pending for the records leave room, then meets every ring size to past 256 + 273), lzma's
     * from 900 to 1100. Below a vector's farthest match both refuse it [CODEC_CORRUPT] with the same
     * bytes written before; from there on both write its new image. Chunks 1, 7 and 4096, the C
     * tool's work buffer exactly the header's (--batch).
     */
    @Test
    void smallWindowVectorsAtEveryWindowAroundTheirs() throws Exception {
        Object[][] cases = {{"compact-split-window256", 256, 600, 252}, {"compact-lzma-window1024", 900, 1100, 1016}};
        CApplyBatch c = new CApplyBatch(dir);
        int compared = 0;
        for (Object[] k : cases) {
            String name = (String) k[0];
            int from = (Integer) k[1];
            int farthest = (Integer) k[3];
            byte[] old = resource(name + ".old");
            byte[] neu = resource(name + ".new");
            byte[] patch = resource(name + ".fwd");
            int own = PatchHeader.parse(patch).codecWindow();
            List<byte[]> patches = new ArrayList<>();
            for (int w = from; w <= (Integer) k[2]; w++) {
                patches.add(w == own ? patch : FormatMutants.withWindow(name, patch, w).patch());
            }
            MutantOutcome image = JavaMutantApply.apply(old, patch, 4096, UpdatePolicy.ramOnly(Long.MAX_VALUE));
            assertEquals(neu.length, image.written(), name + " applies");
            for (int chunk : CHUNKS) {
                List<MutantOutcome> cOut = c.apply(old, patches, chunk, List.of());
                for (int i = 0; i < patches.size(); i++) {
                    int w = from + i;
                    String what = name + " at window " + w + ", chunk " + chunk;
                    MutantOutcome java = JavaMutantApply.apply(old, patches.get(i), chunk, UpdatePolicy.ramOnly(Long.MAX_VALUE));
                    assertTrue(java.sameAs(cOut.get(i)), what + ": Java " + java + ", C " + cOut.get(i));
                    if (w >= farthest) {
                        assertTrue(java.sameAs(image), what + ": the new image, not " + java);
                    } else {
                        assertEquals(ErrorCode.CODEC_CORRUPT.number(), java.code(), what + ": the match past the window");
                    }
                    compared++;
                }
            }
        }
        System.out.println("small-window vectors at windows around theirs: " + compared + " applies per applier agree");
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = GoldenVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IOException("missing golden vector " + name);
            }
            return in.readAllBytes();
        }
    }
}
