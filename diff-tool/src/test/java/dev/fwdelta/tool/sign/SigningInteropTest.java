// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.tool.Tools;
import dev.fwdelta.tool.cli.Main;
import dev.fwdelta.tool.demo.DemoFirmware;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys and signatures against the real openssl command (installed by .ci/run): openssl keys work
 * in fwdelta, fwdelta keys work in openssl, and openssl acts as the HSM in two-step signing.
 */
class SigningInteropTest {
    @TempDir
    Path dir;
    private Path oldBin;
    private Path newBin;
    private Path patch;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void images() throws Exception {
        DemoFirmware.Pair pair = DemoFirmware.generate(8);
        oldBin = Files.write(dir.resolve("old.bin"), pair.oldImage());
        newBin = Files.write(dir.resolve("new.bin"), pair.newImage());
        patch = dir.resolve("update.fwd");
        assertEquals(0, fwdelta("diff", oldBin.toString(), newBin.toString(), "-o", patch.toString(),
                "--firmware-version", "3"));
    }

    private int fwdelta(String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        if (code == 1) {
            throw new AssertionError("internal error in fwdelta " + String.join(" ", args) + ": " + err);
        }
        return code;
    }

    private Path opensslKey(String alg) throws Exception {
        Path key = dir.resolve("openssl-" + alg + ".pem");
        if (alg.equals("ed25519")) {
            Tools.run("openssl", "genpkey", "-algorithm", "ED25519", "-out", key.toString());
        } else {
            Tools.run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", key.toString());
        }
        return key;
    }

    private Path opensslPublic(Path key) throws Exception {
        Path pub = dir.resolve(key.getFileName() + ".pub");
        Tools.run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        return pub;
    }

    private void appliesWithTrust(Path pub) throws Exception {
        Path out = dir.resolve("result.bin");
        assertEquals(0, fwdelta("verify", patch.toString(), "--trust", pub.toString()), err.toString());
        assertEquals(0, fwdelta("apply", oldBin.toString(), patch.toString(), "-o", out.toString(), "--trust",
                pub.toString(), "--installed-version", "2"), err.toString());
        assertArrayEquals(Files.readAllBytes(newBin), Files.readAllBytes(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-p256"})
    void opensslKeysSignInFwdelta(String alg) throws Exception {
        Path key = opensslKey(alg);
        assertEquals(0, fwdelta("sign", patch.toString(), "--key", key.toString()), err.toString());
        appliesWithTrust(opensslPublic(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-p256"})
    void fwdeltaKeysWorkInOpenssl(String alg) throws Exception {
        Path key = dir.resolve("k.pem");
        assertEquals(0, fwdelta("keygen", "--algorithm", alg, "-o", key.toString()), err.toString());
        Path pub = dir.resolve("k.pub.pem");
        // openssl derives the same public key from fwdelta's private key file.
        Path derived = opensslPublic(key);
        assertArrayEquals(der(pub), der(derived));
        Tools.run("openssl", "pkey", "-pubin", "-in", pub.toString(), "-noout");
        // And a signature openssl makes with fwdelta's key is accepted by fwdelta (two-step signing).
        twoStep(key, alg);
        appliesWithTrust(pub);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-p256"})
    void twoStepSigningWithOpensslAsTheHsm(String alg) throws Exception {
        Path key = opensslKey(alg);
        twoStep(key, alg);
        appliesWithTrust(opensslPublic(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-p256"})
    void signatureFromAnotherKeyIsNotAttached(String alg) throws Exception {
        Path signer = opensslKey(alg);
        Path other = dir.resolve("other.pem");
        assertEquals(0, fwdelta("keygen", "--algorithm", alg, "-o", other.toString()));
        Path msg = dir.resolve("msg.bin");
        assertEquals(0, fwdelta("sign", "--digest-only", patch.toString(), "--message-out", msg.toString()));
        Path sig = opensslSign(signer, alg, msg);
        byte[] before = Files.readAllBytes(patch);
        assertEquals(6, fwdelta("sign", "--attach", sig.toString(), "--public-key", dir.resolve("other.pub.pem")
                .toString(), patch.toString()));
        assertTrue(err.toString().contains("does not verify"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(patch), "patch changed although the signature was refused");
    }

    private void twoStep(Path key, String alg) throws Exception {
        Path msg = dir.resolve("msg.bin");
        assertEquals(0, fwdelta("sign", "--digest-only", patch.toString(), "--message-out", msg.toString()));
        Path sig = opensslSign(key, alg, msg);
        Path pub = opensslPublic(key);
        assertEquals(0, fwdelta("sign", "--attach", sig.toString(), "--public-key", pub.toString(),
                patch.toString()), err.toString());
        // The message was exactly the signed patch's header up to its CRC.
        byte[] signed = Files.readAllBytes(patch);
        assertArrayEquals(Arrays.copyOf(signed, PatchHeader.parse(signed).signedLength()),
                Files.readAllBytes(msg));
    }

    private Path opensslSign(Path key, String alg, Path msg) throws Exception {
        Path sig = dir.resolve("sig.bin");
        if (alg.equals("ed25519")) {
            Tools.run("openssl", "pkeyutl", "-sign", "-inkey", key.toString(), "-rawin", "-in", msg.toString(),
                    "-out", sig.toString());
        } else {
            Tools.run("openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), msg.toString());
        }
        return sig;
    }

    private static byte[] der(Path pem) throws Exception {
        String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
