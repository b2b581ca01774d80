// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.checksum.ImageChecksums;
import dev.fwdelta.runtime.format.PatchException;
import dev.fwdelta.runtime.format.PatchHeader;
import dev.fwdelta.runtime.format.SignatureSection;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.io.BoundedFile;
import dev.fwdelta.tool.sign.KeyFiles;
import dev.fwdelta.tool.sign.PatchSigner;
import dev.fwdelta.tool.sign.SigningKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign PATCH, in one step (--key) or in two for keys in an HSM/KMS:",
            "  1. fwdelta sign --digest-only PATCH [--message-out MSG]   (what to sign)",
            "  2. fwdelta sign --attach SIG --public-key PUB.pem PATCH  (verified, then attached)",
            "The message is the header up to its CRC (docs/FORMAT.md 1.1, 1.2): Ed25519 signs the message itself, "
                + "ECDSA P-256 its SHA-256."})
final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH", description = "The fwdelta patch to sign (replaced unless -o names another file).")
    Path patchPath;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--key", paramLabel = "KEY.pem", description = "Sign with this private key.")
        Path key;

        @Option(names = "--digest-only", description = "Print the message to sign and its SHA-256; change nothing.")
        boolean digestOnly;

        @Option(names = "--attach", paramLabel = "SIG", description = "Attach this signature (64 raw bytes or DER).")
        Path attach;
    }

    @Option(names = {"--public-key"}, paramLabel = "PUB.pem", description = "With --attach: the signer's public key.")
    Path publicKey;

    @Option(names = "--message-out", paramLabel = "FILE", description = "With --digest-only: write the raw message.")
    Path messageOut;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Signed patch (default: PATCH, replaced).")
    Path output;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        refuseOptionsOfOtherModes();
        byte[] patch = PatchFileSummary.readWhole(patchPath);
        CommandOutput out = json.output(spec);
        Map<String, Object> r = new LinkedHashMap<>();
        if (mode.digestOnly) {
            byte[] message = PatchSigner.messageToSign(patch);
            if (messageOut != null) {
                AtomicOutput.write(messageOut, message, patchPath);
            }
            r.put("mode", "digest-only");
            r.put("message", HexFormat.of().formatHex(message));
            r.put("sha256", HexFormat.of().formatHex(ImageChecksums.sha256Digest().digest(message)));
            r.put("message_out", messageOut == null ? null : messageOut.toString());
            out.result(r, w -> {
                w.println("message " + r.get("message"));
                w.println("sha256 " + r.get("sha256"));
            });
            return ExitCodes.OK;
        }
        // Signing a signed patch replaces its signature: said, with the key id it had, never silently.
        SignatureSection before = PatchHeader.parse(patch).signature();
        String replaced = before.isPresent() ? TrustedKey.keyIdHex(before.keyId()) : null;
        byte[] signed;
        TrustedKey key;
        if (mode.key != null) {
            SigningKey signingKey = KeyFiles.readPrivate(mode.key);
            signed = PatchSigner.sign(patch, signingKey);
            key = TrustedKey.fromSpki(signingKey.publicKeySpki());
        } else {
            if (publicKey == null) {
                throw new IllegalArgumentException("--attach needs --public-key PUB.pem to verify the signature first");
            }
            key = KeyFiles.readPublic(publicKey, "--public-key");
            byte[] signature = BoundedFile.read(mode.attach, BoundedFile.MAX_SIGNATURE_BYTES, "signature file");
            // The signer's errors speak of "the signature": which file it came from is said here.
            String from = "--attach " + mode.attach + ": ";
            try {
                signed = PatchSigner.attach(patch, key, signature);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(from + e.getMessage(), e);
            } catch (PatchException e) {
                throw new PatchException(e.code(), from + e.detail(), e);
            }
        }
        Path target = output != null ? output : patchPath;
        // Signing in place (no -o) is the default; an explicit -o must not be one of the other inputs.
        AtomicOutput.write(target, signed, mode.key, mode.attach, publicKey);
        r.put("mode", mode.key != null ? "key" : "attach");
        r.put("output", target.toString());
        r.put("sig_algorithm", key.algorithm().label());
        r.put("key_id", TrustedKey.keyIdHex(key.keyId()));
        r.put("replaced_key_id", replaced);
        out.result(r, w -> w.printf("signed %s: %s, key id %s%s%n", target, key.algorithm().label(),
                TrustedKey.keyIdHex(key.keyId()), replaced == null ? "" : " (replaced the signature of key id "
                        + replaced + ")"));
        return ExitCodes.OK;
    }

    /**
     * Each of these options belongs to one mode: given with another, it would be dropped without a
     * word (no message file, no signed copy, a key that verifies nothing).
     */
    private void refuseOptionsOfOtherModes() {
        if (messageOut != null && !mode.digestOnly) {
            throw new IllegalArgumentException("--message-out works with --digest-only only, not with "
                    + modeOption());
        }
        if (output != null && mode.digestOnly) {
            throw new IllegalArgumentException("-o/--output works with --key or --attach only: --digest-only writes "
                    + "no patch (--message-out writes the message)");
        }
        if (publicKey != null && mode.attach == null) {
            throw new IllegalArgumentException("--public-key works with --attach only, not with " + modeOption());
        }
    }

    private String modeOption() {
        return mode.key != null ? "--key" : mode.digestOnly ? "--digest-only" : "--attach";
    }
}
