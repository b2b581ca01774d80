// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.security.HeaderSignature;
import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check PATCH's header, payload hash and signature, without the old image.")
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATCH", description = "The fwdelta patch to check.")
    Path patchPath;

    /** Required here, unlike apply's and send's --trust: verifying is checking the signature against these keys. */
    @Option(names = "--trust", required = true, paramLabel = "PUB.pem",
            description = "Trusted public key (PEM); repeat for several. The signature must come from one of them.")
    List<Path> trusted;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        TrustStore store = TrustOptions.storeOf(trusted);
        PatchFileSummary summary = PatchFileSummary.read(patchPath);
        TrustedKey key = HeaderSignature.verify(summary.headerBytes(), summary.header(), store);
        if (!summary.payloadHashMatches()) {
            throw PatchFileSummary.payloadHashError(patchPath);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("patch", patchPath.toString());
        r.put("signature_ok", true);
        r.put("sig_algorithm", key.algorithm().label());
        r.put("key_id", TrustedKey.keyIdHex(key.keyId()));
        r.put("payload_sha256_ok", true);
        r.put("firmware_version", JsonNumbers.unsigned(summary.header().firmwareVersion()));
        r.put("hardware_id", summary.header().hardwareId());
        json.output(spec).result(r, w -> w.printf("%s: signature OK (%s, key id %s), payload SHA-256 OK, "
                        + "firmware_version %s, hardware_id 0x%08x%n", patchPath, key.algorithm().label(),
                TrustedKey.keyIdHex(key.keyId()), Long.toUnsignedString(summary.header().firmwareVersion()),
                summary.header().hardwareId()));
        return ExitCodes.OK;
    }
}
