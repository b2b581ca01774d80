// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fwdelta.tool.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file system calls of a child process, as strace(1) logs them: its fsyncs (each file
 * descriptor shown with its path, {@code -y}) and renames, in the order the process made them.
 * What shows that a file was written durably, as {@link DurableFiles} writes it.
 */
public final class SyscallTrace {
    private static final Pattern FORCE = Pattern.compile("^\\d+\\s+f(?:data)?sync\\(\\d+<([^>]*)>");
    private static final Pattern RENAME = Pattern.compile(
            "^\\d+\\s+rename(?:at2?)?\\((?:[^,\"]*, )?\"([^\"]+)\", (?:[^,\"]*, )?\"([^\"]+)\"");

    private final List<String> calls;

    private SyscallTrace(List<String> calls) {
        this.calls = calls;
    }

    /** What goes before a command to trace it into {@code log}: strace, which .ci/run installs. */
    public static List<String> launcher(Path log) {
        Tools.require("strace");
        return List.of("strace", "-f", "--seccomp-bpf", "-qq", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2",
                "-e", "signal=none", "-o", log.toString());
    }

    public static SyscallTrace read(Path log) throws IOException {
        return of(Files.readAllLines(log));
    }

    /** A trace of these lines, as strace writes them: a process id (padded to 5 columns), then the call. */
    static SyscallTrace of(List<String> lines) {
        return new SyscallTrace(lines);
    }

    /**
     * Asserts that {@code target} was last written durably: a file renamed over it had been forced
     * to the disk under its own name before, and its directory was forced after the rename.
     */
    public void assertDurablyReplaced(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent().toRealPath();
        Path real = dir.resolve(target.getFileName());
        int renamed = -1;
        Path written = null;
        for (int i = 0; i < calls.size(); i++) {
            Matcher m = RENAME.matcher(calls.get(i));
            if (m.find() && Path.of(m.group(2)).toAbsolutePath().normalize().equals(real)) {
                renamed = i;
                written = Path.of(m.group(1)).toAbsolutePath().normalize();
            }
        }
        if (renamed < 0) {
            fail("no rename to " + real + " in the trace:\n" + String.join("\n", calls));
        }
        assertTrue(forced(written, 0, renamed), written + " renamed to " + real + " without an fsync before:\n"
                + String.join("\n", calls));
        assertTrue(forced(dir, renamed + 1, calls.size()), "no fsync of " + dir + " after the rename to " + real
                + ":\n" + String.join("\n", calls));
    }

    private boolean forced(Path file, int from, int to) {
        for (int i = from; i < to; i++) {
            Matcher m = FORCE.matcher(calls.get(i));
            if (m.find() && Path.of(m.group(1)).equals(file)) {
                return true;
            }
        }
        return false;
    }
}
