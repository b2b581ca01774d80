// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real firmware pairs (as {@link CorpusDifferentialTest}) built at RAM budgets that leave no room for
 * a 4096-byte window, so the builder's LZMA and split patches carry windows of 256..1536 bytes and
 * blocks no longer than them, most with a relocation map. Each patch must really be one of those
 * (checked from its header, so a builder that stops choosing them fails here rather than testing
 * nothing); the Java runtime under a policy of exactly its decoder_ram and the C tool (ASan build,
 * its work buffer allocated at exactly the header's work size) must write the same bytes, the new
 * image, at chunks of 1, 7 and 4096 bytes.
 */
class SmallWindowCorpusDifferentialTest {
    private static final int[] CHUNKS = {1, 7, 4096};

    /** name, old, new, RAM budget, codec (null: the builder's choice), the codec the header must carry. */
    private static final Object[][] CASES = {
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin", 8192, null, Codec.LZMA},
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin", 6656, null, Codec.LZMA},
        {"shell", "shell/old.bin", "shell/new.bin", 8192, null, Codec.LZMA},
        {"shell", "shell/old.bin", "shell/new.bin", 9216, null, Codec.SPLIT},
        {"synth-1-2", "synthesizer/1.bin", "synthesizer/2.bin", 9216, null, Codec.SPLIT},
        {"pyb-small", "pybv11/1f5d945af-firmware1.bin", "pybv11/1f5d945af-dirty-firmware1.bin", 8192, null,
            Codec.LZMA},
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin", 9216, Codec.SPLIT, Codec.SPLIT},
        {"pyb-small", "pybv11/1f5d945af-firmware1.bin", "pybv11/1f5d945af-dirty-firmware1.bin", 9216, Codec.SPLIT,
            Codec.SPLIT},
        {"synth-1-3", "synthesizer/1.bin", "synthesizer/3.bin", 10240, Codec.SPLIT, Codec.SPLIT},
    };

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> smallWindowPatchesApplyAlike() {
        Path corpus = CorpusDifferentialTest.corpus();
        CApplyTool c = new CApplyTool(dir);
        return Stream.of(CASES).map(k -> {
            Codec forced = (Codec) k[4];
            String what = k[0] + " at " + k[3] + (forced == null ? "" : " " + forced.label());
            return DynamicTest.dynamicTest(what, () -> {
                byte[] old = Files.readAllBytes(corpus.resolve((String) k[1]));
                byte[] neu = Files.readAllBytes(corpus.resolve((String) k[2]));
                BuildOptions options = BuildOptions.defaults().withRamBudget((Integer) k[3]);
                byte[] patch = PatchBuilder.build(old, neu, forced == null ? options : options.withCodec(forced)).patch();
                PatchHeader h = PatchHeader.parse(patch);
                assertEquals(k[5], h.codec(), what + ": the codec");
                assertTrue(h.codecWindow() < 4096, what + ": a window below 4096, not " + h.codecWindow());
                assertTrue(h.maxBlockRaw() <= h.codecWindow(), what + ": blocks no longer than the window");
                assertTrue(h.decoderRam() <= (Integer) k[3], what + ": decoder_ram " + h.decoderRam() + " in budget");
                UpdatePolicy exact = UpdatePolicy.ramOnly(h.decoderRam());
                for (int chunk : CHUNKS) {
                    String at = what + " (window " + h.codecWindow() + ", chunk " + chunk + ")";
                    Outcome java = JavaApply.apply(old, patch, chunk, exact);
                    assertTrue(java.sameAs(Outcome.ok(neu)), at + ": Java writes the new image: " + java);
                    Outcome cPort = c.apply(old, patch, chunk);
                    assertTrue(java.sameAs(cPort), at + ": Java " + java + ", C " + cPort);
                }
            });
        });
    }
}
