package dev.fwdelta.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.Codec;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real firmware pairs of ../shared/corpus (its README): the default patch and one per other
 * codec, built by diff-tool's PatchBuilder, applied by the C tool and the Java runtime. Patches
 * the builder gave a relocation map must get NOT_YET_SUPPORTED (100) from C until the map is
 * ported; every other one the same image. Two small pairs only while every corpus patch has a
 * map (building the five firmware pairs' 15 patches took 3.5 minutes): add the rest with the map.
 */
class CorpusDifferentialTest {
    private static final String[][] PAIRS = {
        {"programmer", "programmer/0.8.0.bin", "programmer/0.9.0.bin"},
        {"shell", "shell/old.bin", "shell/new.bin"},
    };

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> defaultAndPerCodecPatches() {
        Path corpus = Path.of(System.getProperty("fwdelta.corpus", "../../../shared/corpus"));
        assertTrue(Files.isDirectory(corpus), "firmware corpus not found at " + corpus.toAbsolutePath());
        CApplyTool c = new CApplyTool(dir);
        return Stream.of(PAIRS).map(pair -> DynamicTest.dynamicTest(pair[0], () -> {
            byte[] old = Files.readAllBytes(corpus.resolve(pair[1]));
            byte[] neu = Files.readAllBytes(corpus.resolve(pair[2]));
            List<String> unsupported = new ArrayList<>();
            for (Codec codec : new Codec[] {null, Codec.LZ77, Codec.NONE}) {
                BuildOptions options = codec == null ? BuildOptions.defaults() : BuildOptions.defaults().withCodec(codec);
                byte[] patch = PatchBuilder.build(old, neu, options).patch();
                String what = pair[0] + " " + (codec == null ? "default" : codec.label());
                Outcome java = JavaApply.apply(old, patch, 4096);
                assertEquals(0, java.errorCode(), what + ": Java applies the built patch");
                Outcome cPort = c.apply(old, patch, 4096);
                if (relocated(patch)) {
                    assertEquals(Outcome.NOT_YET_SUPPORTED, cPort.errorCode(), what + ": relocation map not ported");
                    unsupported.add(what);
                } else {
                    assertTrue(java.sameAs(cPort), what + ": Java " + java + ", C " + cPort);
                }
            }
            System.out.println("C port, corpus pair " + pair[0] + ": relocated (not yet supported): " + unsupported);
        }));
    }

    private static boolean relocated(byte[] patch) throws IOException {
        return (PatchHeader.parse(patch).flags() & PatchHeader.FLAG_RELOCATED) != 0;
    }
}
