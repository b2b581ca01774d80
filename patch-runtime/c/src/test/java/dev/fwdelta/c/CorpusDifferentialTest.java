// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real firmware pairs of ../shared/corpus (its README), patches built by diff-tool's PatchBuilder,
 * applied by the C tool and the Java runtime with 4096-byte chunks: the same image, the new one.
 * Their maps use the Thumb BL and pointer rules (Cortex-M pairs) and the Xtensa call rule
 * (esp8266). Default patches of five pairs, and one per codec (split, lzma, lz77, none) of the
 * two smallest; libpython is left out to keep the build short (its diff alone takes most of a minute).
 */
class CorpusDifferentialTest {
    /** name, old, new, whether the other codecs are tried too. */
    private static final Object[][] PAIRS = {
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin", true},
        {"shell", "shell/old.bin", "shell/new.bin", true},
        {"pyb-small", "pybv11/1f5d945af-firmware1.bin", "pybv11/1f5d945af-dirty-firmware1.bin", false},
        {"synth-1-2", "synthesizer/1.bin", "synthesizer/2.bin", false},
        {"esp8266", "esp8266-micropython/v1.9.4.bin", "esp8266-micropython/v1.10.bin", false},
    };

    @TempDir
    Path dir;

    /** The shared corpus: -Dfwdelta.corpus, or ../shared/corpus beside the checkout; checked to be there. */
    static Path corpus() {
        Path corpus = Path.of(System.getProperty("fwdelta.corpus", "../../../shared/corpus"));
        assertTrue(Files.isDirectory(corpus), "firmware corpus not found at " + corpus.toAbsolutePath());
        return corpus;
    }

    @TestFactory
    Stream<DynamicTest> defaultAndPerCodecPatches() {
        Path corpus = corpus();
        CApplyTool c = new CApplyTool(dir);
        return Stream.of(PAIRS).map(pair -> DynamicTest.dynamicTest((String) pair[0], () -> {
            byte[] old = Files.readAllBytes(corpus.resolve((String) pair[1]));
            byte[] neu = Files.readAllBytes(corpus.resolve((String) pair[2]));
            boolean perCodec = (Boolean) pair[3];
            Codec[] codecs = perCodec ? new Codec[] {null, Codec.SPLIT, Codec.LZMA, Codec.LZ77, Codec.NONE}
                    : new Codec[] {null};
            for (Codec codec : codecs) {
                BuildOptions options = codec == null ? BuildOptions.defaults() : BuildOptions.defaults().withCodec(codec);
                byte[] patch = PatchBuilder.build(old, neu, options).patch();
                String what = pair[0] + " " + (codec == null ? "default" : codec.label());
                Outcome java = JavaApply.apply(old, patch, 4096);
                assertEquals(0, java.errorCode(), what + ": Java applies the built patch");
                Outcome cPort = c.apply(old, patch, 4096);
                assertTrue(java.sameAs(cPort), what + ": Java " + java + ", C " + cPort);
                assertTrue(java.sameAs(Outcome.ok(neu)), what + ": the new image");
            }
        }));
    }
}
