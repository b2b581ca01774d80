// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * What one server start is about to create on disk (the database file, its directory, the store),
 * noted before it exists, so that a start that fails removes exactly that and leaves whatever was
 * there before untouched: a mistyped option must not leave a new, half-initialised data directory.
 */
final class CreatedPaths {
    private final Deque<Path> created = new ArrayDeque<>();

    /**
     * Notes {@code path} (to be made as a directory with its parents, or as a file) before it is:
     * the outermost of it and its parents that does not exist yet is what this start creates.
     */
    void willCreate(Path path) {
        Path newest = null;
        for (Path p = path.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            newest = p;
        }
        if (newest != null) {
            created.push(newest);
        }
    }

    /** Removes what was noted, newest first; what cannot be removed is left as it is (nothing else is touched). */
    void remove() {
        while (!created.isEmpty()) {
            Path top = created.pop();
            if (!Files.exists(top)) {
                continue;
            }
            try (Stream<Path> tree = Files.walk(top)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | RuntimeException e) {
                // The start failed already and says why; a leftover is what it was before this class.
            }
        }
    }
}
