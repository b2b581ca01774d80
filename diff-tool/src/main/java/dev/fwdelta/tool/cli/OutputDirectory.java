// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A directory a command fills with files of names it knows (demo --out, matrix --out): a new one,
 * or one that holds only such files, which the run replaces. So a command run again into its own
 * output works (the build's class-data-sharing step runs demo into the same directory every
 * time), while files of anything else, another release's included, are never mixed with this
 * run's output or replaced by it. Checked before any work is done. The temporary files a run
 * killed outright left of those names ({@link AtomicOutput#isTempOf}) count as the command's
 * own: they are removed, not refused, so the next run into the same directory just works.
 */
final class OutputDirectory {
    /** Names an error lists before "and N more": enough to recognise what the directory is. */
    private static final int NAMES_SHOWN = 4;

    private OutputDirectory() {
    }

    /**
     * Refuses {@code dir} unless it is a directory whose every entry {@code ours} accepts or is a
     * leftover temporary of such a name, or does not exist in a directory that does (a missing
     * parent is refused as for an output file, exit 5). An entry that is a directory is offered as
     * "name/". Other entries are a usage error that names the option, the directory and what it
     * holds, then {@code advice}. Once the directory is taken, the leftover temporaries are
     * removed: a killed run's partial output, of a name this run writes again.
     */
    static void claim(String option, Path dir, Predicate<String> ours, String advice) throws IOException {
        Path resolved = AtomicOutput.resolveLinks(dir);
        if (!Files.exists(resolved)) {
            AtomicOutput.check(dir);
            return;
        }
        if (!Files.isDirectory(resolved)) {
            throw new FileSystemException(dir.toString(), null, "is not a directory");
        }
        List<String> others = new ArrayList<>();
        List<Path> leftovers = new ArrayList<>();
        try (Stream<Path> entries = Files.list(resolved)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName() + (Files.isDirectory(p) ? "/" : "");
                // An own file is never taken for a leftover, whatever its name looks like.
                boolean own = ours.test(name);
                if (!own && AtomicOutput.isTempOf(name, ours)) {
                    leftovers.add(p);
                } else if (!own) {
                    others.add(name);
                }
            }
        }
        if (!others.isEmpty()) {
            throw new IllegalArgumentException(option + " " + dir + " holds " + names(others.stream().sorted().toList())
                    + ": " + advice);
        }
        for (Path p : leftovers) {
            Files.deleteIfExists(p);
        }
    }

    private static String names(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }
}
