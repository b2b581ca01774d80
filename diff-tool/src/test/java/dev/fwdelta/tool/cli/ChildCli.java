// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fwdelta.tool.io.SyscallTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command line in a child JVM with a small heap, so a test can show a command stays
 * within it: a command that needed more dies of OutOfMemoryError (exit 1 and a stack trace)
 * instead of finishing with its own exit code and one line.
 */
final class ChildCli {
    record Result(int exit, String out, String err) {
    }

    private ChildCli() {}

    static Result run(String maxHeap, String... args) throws IOException, InterruptedException {
        return run(List.of("-Xmx" + maxHeap), args);
    }

    /** The command line in a child JVM started with these options besides the defaults here. */
    static Result run(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        return run(List.of(), jvmOptions, args);
    }

    /**
     * The command line in a child JVM that may not write a byte to any file (POSIX sh's
     * {@code ulimit -f 0}): its first write kills it, as a full disk or a kill stops a run half way.
     */
    static Result runWithoutFileSpace(String... args) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", "ulimit -f 0 && exec \"$0\" \"$@\""), List.of("-Xmx256m"), args);
    }

    /**
     * The command line in a child JVM whose standard input is a pipe carrying {@code input}, as a
     * shell's {@code <(...)} or {@code cat f |} gives it: /dev/stdin is then a file that can be
     * read only once.
     */
    static Result runWithInput(byte[] input, String... args) throws IOException, InterruptedException {
        return run(List.of(), List.of("-Xmx256m"), input, args);
    }

    /** The command line in a child JVM under strace, its fsyncs and renames logged to {@code log} ({@link SyscallTrace}). */
    static Result runTraced(Path log, String... args) throws IOException, InterruptedException {
        return run(SyscallTrace.launcher(log), List.of("-Xmx256m"), args);
    }

    private static Result run(List<String> launcher, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        return run(launcher, jvmOptions, new byte[0], args);
    }

    private static Result run(List<String> launcher, List<String> jvmOptions, byte[] input, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        // Written from another thread: an input larger than the pipe's buffer waits for the child to read it.
        Thread feeder = new Thread(() -> {
            try (var stdin = p.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                // the child stopped reading (it exited, or refused the input): its result says why
            }
        });
        feeder.start();
        // Both outputs are a few lines: read after the exit, no pipe fills up.
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", args) + ": no exit in 120 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
