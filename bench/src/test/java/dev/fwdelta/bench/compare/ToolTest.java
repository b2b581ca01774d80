// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwdelta runs in the harness as its launcher runs it: the options file, and the archive when there is one. */
class ToolTest {
    @Test
    void theClassDataArchiveBesideTheJarIsPassedWhenItExists(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("fwdelta.jar"));
        Path options = Files.writeString(dir.resolve("jvm.options"), "# comment\n-XX:TieredStopAtLevel=1\n");
        assertEquals(List.of("@" + options), Tool.launcherArguments(jar, options));
        Path archive = Files.createFile(dir.resolve("fwdelta.jsa"));
        assertEquals(List.of("@" + options, "-XX:SharedArchiveFile=" + archive), Tool.launcherArguments(jar, options));
        // the diff command a run makes carries them before -jar
        Tool fwdelta = Tool.all(jar, options).get(0);
        List<String> diff = fwdelta.commands().diff(Path.of("a"), Path.of("b"), Path.of("p"));
        assertEquals(List.of("@" + options, "-XX:SharedArchiveFile=" + archive, "-jar", jar.toString()),
                diff.subList(1, 5));
    }

    /** The archive the build made matches the jar it made: the JVM maps fwdelta's classes from it. */
    @Test
    void theBuiltArchiveIsUsedByTheLauncherCommand() throws Exception {
        Path jar = Path.of(System.getProperty("fwdelta.jar")).toAbsolutePath();
        Path options = Path.of(System.getProperty("fwdelta.jvmOptions")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Tool.launcherArguments(jar, options));
        assertEquals(3, command.size(), "no fwdelta.jsa beside " + jar + ": the package phase makes it");
        command.addAll(List.of("-Xlog:class+load=info", "-jar", jar.toString(), "--version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        org.junit.jupiter.api.Assertions.assertTrue(
                out.contains("dev.fwdelta.tool.cli.Main source: shared objects file (top)"), out);
    }
}
