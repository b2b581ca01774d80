// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import dev.fwdelta.runtime.format.PatchHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fwdelta.runtime.apply.PatchApplier;
import dev.fwdelta.runtime.apply.UpdatePolicy;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.io.ByteArrayOldImage;
import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.Corpus;
import dev.fwdelta.tool.encode.BuildOptions;
import dev.fwdelta.tool.encode.PatchBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed corpus patch: it applies, and a sample of single payload-byte changes is each refused. */
class SignedReleaseTest {
    @Test
    void sampledPayloadByteChangesAreRefused(@TempDir Path dir) throws Exception {
        Corpus.Pair pair = Corpus.pair("pyb-small");
        byte[] oldImage = pair.oldBytes();
        byte[] newImage = pair.newBytes();
        Path keyPath = dir.resolve("k.pem");
        KeyFiles.generate(SignatureAlgorithm.ED25519, keyPath);
        SigningKey key = KeyFiles.readPrivate(keyPath);
        byte[] patch = PatchSigner.sign(PatchBuilder.build(oldImage, newImage,
                new BuildOptions(null, 16384, 32 * 1024, 10, 0xB0A2D)).patch(), key);
        UpdatePolicy policy = new UpdatePolicy(16384, new TrustStore(List.of(TrustedKey.fromSpki(key.publicKeySpki()))),
                9, false, 0xB0A2D);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PatchApplier good = new PatchApplier(new ByteArrayOldImage(oldImage), out::write, policy);
        good.process(patch);
        assertNotNull(good.finish());
        assertArrayEquals(newImage, out.toByteArray());

        Random r = new Random(0);
        for (int k = 0; k < 200; k++) {
            byte[] bad = patch.clone();
            int headerSize = PatchHeader.parse(patch).size();
            int at = headerSize + r.nextInt(patch.length - headerSize);
            bad[at] ^= (byte) (1 + r.nextInt(255));
            PatchApplier a = new PatchApplier(new ByteArrayOldImage(oldImage), (b, off, len) -> { }, policy);
            assertThrows(PatchException.class, () -> {
                a.process(bad);
                a.finish();
            }, "payload byte " + at + " changed and the patch was accepted");
        }
    }

    @Test
    void signedBuildsAreReproducibleForBothAlgorithms(@TempDir Path dir) throws Exception {
        Corpus.Pair pair = Corpus.pair("programmer");
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            Path keyPath = dir.resolve(alg.name() + ".pem");
            KeyFiles.generate(alg, keyPath);
            SigningKey key = KeyFiles.readPrivate(keyPath);
            byte[] a = PatchSigner.sign(PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults())
                    .patch(), key);
            byte[] b = PatchSigner.sign(PatchBuilder.build(pair.oldBytes(), pair.newBytes(), BuildOptions.defaults())
                    .patch(), KeyFiles.readPrivate(keyPath));
            assertArrayEquals(a, b, alg.label());
            assertEquals(key.keyId(), KeyFiles.readPublic(KeyFiles.publicPathFor(keyPath)).keyId());
        }
    }
}
