// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import dev.fwdelta.runtime.security.TrustStore;
import dev.fwdelta.runtime.security.TrustedKey;
import dev.fwdelta.tool.sign.KeyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --trust PUB.pem}, repeatable: the keys a signature must come from. */
final class TrustOptions {
    @Option(names = "--trust", paramLabel = "PUB.pem",
            description = "Trusted public key (PEM); repeat for several. Unsigned or untrusted patches are refused.")
    List<Path> trusted = new ArrayList<>();

    /** The trust store, or null when no key was given. */
    TrustStore store() throws IOException {
        return trusted.isEmpty() ? null : storeOf(trusted);
    }

    /** The keys in these files, each read and checked (KeyFiles.readPublic). */
    static TrustStore storeOf(List<Path> files) throws IOException {
        List<TrustedKey> keys = new ArrayList<>();
        for (Path p : files) {
            keys.add(KeyFiles.readPublic(p));
        }
        return new TrustStore(keys);
    }
}
