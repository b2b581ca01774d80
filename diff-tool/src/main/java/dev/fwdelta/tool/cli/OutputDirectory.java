// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A directory a command fills with several files (demo --out): new or empty, so that what it holds
 * afterwards is one run's output and nothing a user had there is replaced. Refused before any work.
 */
final class OutputDirectory {
    private OutputDirectory() {
    }

    /** Creates {@code dir} if it does not exist (its parent must), else refuses it unless it is an empty directory. */
    static void createNewOrEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            AtomicOutput.check(dir); // a missing parent, as for an output file
            Files.createDirectory(dir);
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new FileAlreadyExistsException(dir.toString(), null,
                        "is not empty: name a new or empty directory");
            }
        }
    }
}
