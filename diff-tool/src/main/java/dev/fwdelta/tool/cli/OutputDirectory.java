// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A directory a command fills with files of names it knows (demo --out, matrix --out): a new one,
 * or one that holds only such files, which the run replaces. So a command run again into its own
 * output works (the build's class-data-sharing step runs demo into the same directory every
 * time), while files of anything else, another release's included, are never mixed with this
 * run's output or replaced by it. Checked before any work is done.
 */
final class OutputDirectory {
    /** Names an error lists before "and N more": enough to recognise what the directory is. */
    private static final int NAMES_SHOWN = 4;

    private OutputDirectory() {
    }

    /**
     * Refuses {@code dir} unless it is a directory whose every entry {@code ours} accepts, or does
     * not exist in a directory that does (a missing parent is refused as for an output file, exit
     * 5). An entry that is a directory is offered as "name/". Other entries are a usage error that
     * names the option, the directory and what it holds, then {@code advice}.
     */
    static void check(String option, Path dir, Predicate<String> ours, String advice) throws IOException {
        Path resolved = AtomicOutput.resolveLinks(dir);
        if (!Files.exists(resolved)) {
            AtomicOutput.check(dir);
            return;
        }
        if (!Files.isDirectory(resolved)) {
            throw new FileSystemException(dir.toString(), null, "is not a directory");
        }
        List<String> others;
        try (Stream<Path> entries = Files.list(resolved)) {
            others = entries.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).filter(ours.negate())
                    .sorted().toList();
        }
        if (!others.isEmpty()) {
            throw new IllegalArgumentException(option + " " + dir + " holds " + names(others) + ": " + advice);
        }
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }
}
