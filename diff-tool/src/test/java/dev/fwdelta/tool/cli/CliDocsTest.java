// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/CLI.md keeps up with the command line: a section per command naming each of its options. */
class CliDocsTest {
    private static final Path CLI_MD = Path.of("../docs/CLI.md");
    /** Options every command has, documented once under Conventions. */
    private static final Set<String> COMMON = Set.of("--help", "--version", "--json");

    @Test
    void everyCommandAndOptionIsDocumented() throws Exception {
        String doc = Files.readString(CLI_MD);
        List<String> missing = new ArrayList<>();
        check(Main.commandLine(), doc, missing);
        assertEquals(List.of(), missing, "missing from " + CLI_MD);
    }

    private static void check(CommandLine cl, String doc, List<String> missing) {
        String name = cl.getCommandSpec().qualifiedName();
        if (cl.getSubcommands().isEmpty() && !name.equals("fwdelta help")) {
            String heading = "### " + name + "\n";
            int start = doc.indexOf(heading);
            if (start < 0) {
                missing.add(heading.strip());
                return;
            }
            int end = doc.indexOf("\n### ", start + heading.length());
            String section = doc.substring(start, end < 0 ? doc.length() : end);
            for (OptionSpec o : cl.getCommandSpec().options()) {
                if (!COMMON.contains(o.longestName()) && !section.contains("`" + o.longestName())) {
                    missing.add(name + " " + o.longestName());
                }
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            check(sub, doc, missing);
        }
    }
}
