// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An update-server command in a process of its own, as a user runs it: its standard output and
 * error go to files in {@code dir} ({@code out}, {@code err}), so that a test sees all of them, what
 * a library logs to System.err included. FWDELTA_ADMIN_TOKEN is not passed on.
 */
final class ServerProcess {
    private ServerProcess() {}

    static Process start(Path dir, String... args) throws IOException {
        return start(dir, Map.of(), args);
    }

    /** {@code env}: variables set for the command (beside this JVM's, without FWDELTA_ADMIN_TOKEN). */
    static Process start(Path dir, Map<String, String> env, String... args) throws IOException {
        return start(dir, List.of(), env, args);
    }

    /** {@code launcher}: what runs the JVM (strace and its options, say), or nothing. */
    static Process start(Path dir, List<String> launcher, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                ServerMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().remove(AdminToken.ENV);
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * {@code fwdelta server} on any free port, with its data in {@code dir}/data and the tests' admin
     * token, and {@code more} options.
     */
    static Process startServer(Path dir, String... more) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), Fleet.TOKEN);
        List<String> args = new ArrayList<>(List.of("server", "--port", "0", "--data", dir.resolve("data").toString(),
                "--admin-token-file", token.toString()));
        args.addAll(List.of(more));
        return start(dir, args.toArray(String[]::new));
    }

    /** The port a server process writing its standard error to {@code dir}/err said it listens on, once it has. */
    static int listeningPort(Process p, Path dir) throws IOException, InterruptedException {
        for (int wait = 0; wait < 1200 && p.isAlive(); wait++) {
            for (String line : Files.readString(dir.resolve("err")).lines().toList()) {
                if (line.startsWith("fwdelta server on http://127.0.0.1:")) {
                    return Integer.parseInt(line.replaceFirst("fwdelta server on http://127\\.0\\.0\\.1:(\\d+) .*", "$1"));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start: " + Files.readString(dir.resolve("err")));
    }
}
