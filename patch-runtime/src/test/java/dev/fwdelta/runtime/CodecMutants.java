// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.runtime;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic corruptions of small lz77, lzma and split patches (the golden vectors of those
 * codecs, and an lz77 one whose window holds a whole block): each payload byte xor-ed with each of
 * {@link #XORS}. Shared by the Java chunking test and the C module's differential test.
 */
public final class CodecMutants {
    /** The changes made at every payload byte: the low bit, a middle bit, the top bit. */
    public static final int[] XORS = {0x01, 0x08, 0x80};

    /** One corrupted patch: {@code vector}'s byte {@code at} xor-ed with {@code xor}. */
    public record Mutant(String vector, int at, int xor, byte[] old, byte[] patch) {
        public String name() {
            return vector + " byte " + at + " ^" + Integer.toHexString(xor);
        }
    }

    private CodecMutants() {}

    /** The unchanged patches: lz77 (window 256 and 4096), lzma (formats 1 and 3), split, both below 4096 too. */
    public static Map<String, TestPatch> bases() {
        Map<String, TestPatch> all = GoldenVectors.all();
        Map<String, TestPatch> v = new LinkedHashMap<>();
        for (String name : List.of("lz77-window256", "lzma-dict4096", "compact-lzma", "compact-split",
                "compact-lzma-window1024", "compact-split-window256")) {
            v.put(name, all.get(name));
        }
        TestPatch lz77 = TestPatch.standard();
        lz77.codecId = 1;
        lz77.codecWindow = 4096;
        lz77.compressor = raw -> TestCodecs.lz4(raw, 4096);
        v.put("lz77-window4096", lz77);
        return v;
    }

    /** Every payload byte of every base patch, xor-ed with each of {@link #XORS}. */
    public static List<Mutant> all() throws IOException {
        List<Mutant> out = new ArrayList<>();
        for (Map.Entry<String, TestPatch> e : bases().entrySet()) {
            byte[] patch = e.getValue().build();
            int headerSize = PatchHeader.parse(patch).size();
            for (int at = headerSize; at < patch.length; at++) {
                for (int x : XORS) {
                    byte[] b = patch.clone();
                    b[at] ^= (byte) x;
                    out.add(new Mutant(e.getKey(), at, x, e.getValue().old, b));
                }
            }
        }
        return out;
    }

    /** The Java runtime's error code (docs/FORMAT.md 5) for the patch fed in {@code chunk}-byte pieces, 0 if it applies. */
    public static int javaCode(byte[] old, byte[] patch, int chunk) throws IOException {
        PatchApplier a = new PatchApplier(new ByteArrayOldImage(old), new ByteArrayOutputStream()::write, Apply.NO_LIMIT);
        try {
            for (int off = 0; off < patch.length; off += chunk) {
                a.process(patch, off, Math.min(chunk, patch.length - off));
            }
            a.finish();
            return 0;
        } catch (PatchException e) {
            return e.code().number();
        }
    }
}
