package dev.fwdelta.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.security.HeaderSignature;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins format v1: the committed vectors must equal what the independent writer makes, and the
 * applier must turn each old image into its new image. Regenerate after a deliberate format change
 * with {@code ./mvnw -pl patch-runtime test -Dtest=GoldenVectorTest -Dfwdelta.writeVectors=true}
 * (and change docs/FORMAT.md in the same commit).
 */
class GoldenVectorTest {
    private static final Path SOURCE_DIR = Path.of("src/test/resources/vectors");

    @TestFactory
    Stream<DynamicTest> vectors() {
        return GoldenVectors.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            TestPatch t = e.getValue();
            byte[] patch = t.build();
            if (Boolean.getBoolean("fwdelta.writeVectors")) {
                Files.createDirectories(SOURCE_DIR);
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".old"), t.old);
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".new"), t.newImage());
                Files.write(SOURCE_DIR.resolve(e.getKey() + ".fwd"), patch);
            }
            byte[] pinnedOld = resource(e.getKey() + ".old");
            byte[] pinnedNew = resource(e.getKey() + ".new");
            byte[] pinnedPatch = resource(e.getKey() + ".fwd");
            assertArrayEquals(pinnedOld, t.old, "old image differs from the pinned vector");
            assertArrayEquals(pinnedNew, t.newImage(), "new image differs from the pinned vector");
            assertArrayEquals(pinnedPatch, patch, "patch bytes differ from the pinned vector: format changed?");
            assertArrayEquals(pinnedNew, Apply.apply(pinnedOld, pinnedPatch));
        }));
    }

    @Test
    void signedVectorVerifiesWithThePinnedKey() throws IOException {
        Path pub = SOURCE_DIR.resolve("ed25519-signed.pub");
        if (Boolean.getBoolean("fwdelta.writeVectors")) {
            Files.write(pub, GoldenVectors.SIGNING_KEY.trusted().rawKey());
        }
        TrustedKey key = new TrustedKey(SignatureAlgorithm.ED25519, Files.readAllBytes(pub));
        assertArrayEquals(GoldenVectors.SIGNING_KEY.trusted().rawKey(), key.rawKey(), "test key generation changed");
        byte[] patch = resource("ed25519-signed.fwd");
        TrustedKey signer = HeaderSignature.verify(patch, PatchHeader.parse(patch).signature(),
                new TrustStore(List.of(key)));
        assertEquals(key.keyId(), signer.keyId());
    }

    @Test
    void relocationVectorReaimsOnlyTheReferencesIntoTheMovedPart() throws IOException {
        byte[] old = resource("relocation-map.old");
        byte[] neu = resource("relocation-map.new");
        // call at 16 -> 200 (moved by 4): re-aimed; call at 40 -> 8: unchanged
        assertEquals(false, java.util.Arrays.equals(old, 16, 20, neu, 16, 20));
        assertArrayEquals(java.util.Arrays.copyOfRange(old, 40, 44), java.util.Arrays.copyOfRange(neu, 40, 44));
        // call at 96 -> 180, both moved: same bytes 4 later; call at 150 -> 20: re-aimed
        assertArrayEquals(java.util.Arrays.copyOfRange(old, 96, 100), java.util.Arrays.copyOfRange(neu, 100, 104));
        assertEquals(false, java.util.Arrays.equals(old, 150, 154, neu, 154, 158));
        // pointers: old 120 -> base+200 is re-aimed to base+204; old 124 -> base+8 keeps its value
        java.nio.ByteBuffer n = java.nio.ByteBuffer.wrap(neu).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(GoldenVectors.VECTOR_BASE + 204, n.getInt(124) & 0xFFFFFFFFL);
        assertEquals(GoldenVectors.VECTOR_BASE + 8, n.getInt(128) & 0xFFFFFFFFL);
        assertEquals(GoldenVectors.VECTOR_BASE + 185, n.getInt(236) & 0xFFFFFFFFL);
    }

    @Test
    void everyVectorFileIsKnown() throws IOException {
        Map<String, TestPatch> known = GoldenVectors.all();
        try (Stream<Path> files = Files.list(SOURCE_DIR)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                String stem = name.substring(0, name.lastIndexOf('.'));
                assertEquals(true, known.containsKey(stem), "stale vector file " + name);
            });
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GoldenVectorTest.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IOException("missing golden vector " + name);
            }
            return in.readAllBytes();
        }
    }
}
