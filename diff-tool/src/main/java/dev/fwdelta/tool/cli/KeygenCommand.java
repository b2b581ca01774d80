// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.security.SignatureAlgorithm;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.sign.KeyFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Make a signing key: KEY.pem (PKCS#8, keep it secret) and KEY.pub.pem (for devices).")
final class KeygenCommand implements Callable<Integer> {
    enum Algorithm { ed25519, ecdsa_p256 }

    @Spec
    CommandSpec spec;

    @Option(names = "--algorithm", defaultValue = "ed25519", paramLabel = "ALG",
            description = "ed25519 (default) or ecdsa-p256.", converter = AlgorithmConverter.class)
    SignatureAlgorithm algorithm;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "KEY.pem", description = "Private key file.")
    Path output;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        // Checked as every command's output is, so that a missing directory or a directory given
        // as the key is named as the user gave it, not as the temporary file the key is written to.
        if (output.getFileName() != null && output.getFileName().toString().toLowerCase(Locale.ROOT)
                .endsWith(KeyFiles.PUBLIC_SUFFIX)) {
            // The name of a public key file: the private key written there would be taken for the
            // public one and shipped.
            throw new IllegalArgumentException("-o names the private key file, and " + output + " is a public key's "
                    + "name: give KEY.pem (the public key goes beside it as KEY" + KeyFiles.PUBLIC_SUFFIX + ")");
        }
        AtomicOutput.check(output);
        AtomicOutput.check(KeyFiles.publicPathFor(output));
        Path pub = KeyFiles.generate(algorithm, output);
        TrustedKey key = KeyFiles.readPublic(pub);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("private_key", output.toString());
        r.put("public_key", pub.toString());
        r.put("algorithm", algorithm.label());
        r.put("key_id", TrustedKey.keyIdHex(key.keyId()));
        json.output(spec).result(r, w -> w.printf("wrote %s (private, mode 600) and %s: %s, key id %s%n", output, pub,
                algorithm.label(), TrustedKey.keyIdHex(key.keyId())));
        return ExitCodes.OK;
    }

    static final class AlgorithmConverter implements picocli.CommandLine.ITypeConverter<SignatureAlgorithm> {
        @Override
        public SignatureAlgorithm convert(String value) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "ed25519":
                    return SignatureAlgorithm.ED25519;
                case "ecdsa-p256":
                case "ecdsa_p256":
                case "p256":
                    return SignatureAlgorithm.ECDSA_P256;
                default:
                    throw new picocli.CommandLine.TypeConversionException(
                            "'" + value + "' is not ed25519 or ecdsa-p256");
            }
        }
    }
}
